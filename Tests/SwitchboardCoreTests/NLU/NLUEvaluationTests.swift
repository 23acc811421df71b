import Foundation
import SwitchboardCore
import Testing

@Suite("NLU evaluation")
struct NLUEvaluationTests {
    typealias Prediction = NLUEvaluation.Prediction

    /// Six messages, three out of scope; the figures below are worked out by hand.
    static let predictions: [Prediction] = [
        Prediction(
            expected: "a", predicted: "a", confidence: 0.9,
            expectedEntities: [
                EntitySpan(entity: "city", start: 0, end: 5), EntitySpan(entity: "date", start: 6, end: 10),
            ],
            predictedEntities: [
                EntitySpan(entity: "city", start: 0, end: 5), EntitySpan(entity: "date", start: 6, end: 9),
            ]),
        Prediction(
            expected: "a", predicted: "b", confidence: 0.8,
            predictedEntities: [EntitySpan(entity: "city", start: 2, end: 4)]),
        Prediction(expected: "b", predicted: "b", confidence: 0.4),
        Prediction(expected: "oos", predicted: "a", confidence: 0.3),
        Prediction(expected: "oos", predicted: "oos", confidence: 0.9),
        Prediction(expected: "oos", predicted: "b", confidence: 0.7),
    ]

    @Test("intent, threshold and out-of-scope figures")
    func intents() throws {
        let evaluation = NLUEvaluation(predictions: Self.predictions, threshold: 0.5)
        #expect(evaluation.examples == 6 && evaluation.inScopeExamples == 3 && evaluation.outOfScopeExamples == 3)
        #expect(evaluation.intentAccuracy == 0.5)
        // Rejected at 0.5: the 0.4, the 0.3 and the predicted oos.
        #expect(evaluation.atThreshold.inScopeAccuracy == 1.0 / 3)
        #expect(evaluation.atThreshold.outOfScopeRecall == 2.0 / 3)
        #expect(evaluation.atThreshold.outOfScopePrecision == 2.0 / 3)
        #expect(evaluation.atThreshold.accuracy == 0.5)
        // 0.31 rejects the 0.3 but keeps the right 0.4: 2/3 + 2/3, the first threshold that reaches it.
        let best = try #require(evaluation.bestThreshold)
        #expect(best.threshold == 0.31)
        #expect(best.inScopeAccuracy == 2.0 / 3 && best.outOfScopeRecall == 2.0 / 3)
        #expect(best.outOfScopePrecision == 1)
        #expect(
            evaluation.confusions == [
                .init(expected: "a", predicted: "b", count: 1), .init(expected: "oos", predicted: "a", count: 1),
                .init(expected: "oos", predicted: "b", count: 1),
            ])
        #expect(evaluation.sentenceAccuracy == 2.0 / 6)
    }

    @Test("entity precision, recall and F1 on exact spans, per type and micro")
    func entities() throws {
        let evaluation = NLUEvaluation(predictions: Self.predictions, threshold: 0.5)
        #expect(
            evaluation.entities == [
                .init(entity: "city", truePositives: 1, falsePositives: 1, falseNegatives: 0),
                .init(entity: "date", truePositives: 0, falsePositives: 1, falseNegatives: 1),
            ])
        let micro = try #require(evaluation.entityMicro)
        #expect(micro.precision == 1.0 / 3 && micro.recall == 0.5)
        #expect(abs(micro.f1 - 0.4) < 1e-12)
        #expect(abs(evaluation.entities[0].f1 - 2.0 / 3) < 1e-12)
        #expect(evaluation.entities[1].f1 == 0)
    }

    @Test("without out-of-scope data there is no best threshold and no recall")
    func inScopeOnly() {
        let evaluation = NLUEvaluation(predictions: Array(Self.predictions.prefix(3)), threshold: 0.5)
        #expect(evaluation.bestThreshold == nil)
        #expect(evaluation.atThreshold.outOfScopeRecall == nil)
        #expect(evaluation.atThreshold.accuracy == 1.0 / 3)
    }

    @Test("latency percentiles are nearest-rank")
    func latency() {
        let evaluation = NLUEvaluation(
            predictions: Self.predictions, threshold: 0.5, latencies: [10, 1, 9, 2, 8, 3, 7, 4, 6, 5])
        #expect(evaluation.latency == .init(p50: 5, p95: 10, messages: 10))
    }

    @Test("the Markdown and JSON reports carry the documented fields")
    func reports() throws {
        let evaluation = NLUEvaluation(
            predictions: Self.predictions, threshold: 0.5, latencies: [1, 2], trainingSeconds: 1.5)
        let markdown = evaluation.markdown
        #expect(markdown.contains("intent accuracy: 0.5000"))
        #expect(markdown.contains("| 0.50 (tenant) | 0.5000 | 0.3333 | 0.6667 | 0.6667 |"))
        #expect(markdown.contains("| 0.31 (best) | 0.6667 | 0.6667 | 0.6667 | 1.0000 |"))
        #expect(markdown.contains("| micro | 0.3333 | 0.5000 | 0.4000 | 2 |"))
        #expect(markdown.contains("| a | b | 1 |"))
        #expect(markdown.contains("training: 1.50 s"))
        let json = try #require(try JSONSerialization.jsonObject(with: evaluation.json()) as? [String: Any])
        #expect(json["intentAccuracy"] as? Double == 0.5)
        let micro = try #require(json["entityMicro"] as? [String: Any])
        #expect(abs((micro["f1"] as? Double ?? 0) - 0.4) < 1e-12)
        #expect(micro["truePositives"] as? Int == 1)
        let decoded = try JSONDecoder().decode(NLUEvaluation.self, from: evaluation.json())
        #expect(decoded == evaluation)
    }
}
