import Foundation
import SwitchboardCore
import Testing

/// Trains the built-in engine on a slice of the public CLINC150 data (shared/nlp/clinc150, CC BY 3.0,
/// Larson et al. 2019) and checks accuracy and out-of-scope rejection on its validation split.
@Suite("CLINC150 slice")
struct CLINC150Tests {
    struct Row: Decodable, Sendable {
        var text: String
        var intent: String
    }

    static let intents: Set<String> = [
        "translate", "transfer", "timer", "definition", "meaning_of_life", "insurance_change", "find_phone",
        "travel_alert", "pto_request", "improve_credit_score",
    ]

    static var dataDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["SWITCHBOARD_NLP_DATA"] {
            return URL(fileURLWithPath: override).appendingPathComponent("clinc150")
        }
        // Tests/SwitchboardCoreTests/<file> → repository → its parent, where shared/ lives.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/nlp/clinc150")
    }

    static func load(_ name: String) throws -> [Row] {
        try JSONDecoder().decode([Row].self, from: Data(contentsOf: dataDirectory.appendingPathComponent(name)))
    }

    @Test("10 intents: accuracy on val above 0.9, out-of-scope mostly rejected")
    func accuracy() async throws {
        let directory = Self.dataDirectory
        #expect(
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("train.json").path),
            "CLINC150 data not found at \(directory.path)")
        // Seconds of CPU work (decoding, training, scoring): outside the concurrency pool.
        let (intentCount, score) = try await heavyCPUWork { try Self.trainAndScore() }
        #expect(intentCount == 10)
        #expect(score.inScope == 200 && score.outOfScope == 100)
        let accuracy = Double(score.correct) / Double(score.inScope)
        let answered = Double(score.answeredCorrectly) / Double(score.inScope)
        let oosRejection = Double(score.rejected) / Double(score.outOfScope)
        #expect(accuracy >= 0.9, "top-1 accuracy \(accuracy)")
        #expect(answered >= 0.8, "correct and confident \(answered)")
        #expect(oosRejection >= 0.8, "out-of-scope rejected \(oosRejection)")
    }

    struct Score: Sendable {
        var correct = 0, answeredCorrectly = 0, inScope = 0, outOfScope = 0, rejected = 0
    }

    static func trainAndScore() throws -> (intents: Int, score: Score) {
        let train = try Self.load("train.json")
        let val = try Self.load("val.json")
        var examples: [String: [String]] = [:]
        for row in train where Self.intents.contains(row.intent) {
            examples[row.intent, default: []].append(row.text)
        }
        let model = try NLUModel(
            training: NLUTrainingData(
                intents: examples.keys.sorted().map { .init(name: $0, examples: examples[$0] ?? []) }))
        return (examples.count, score(model, on: val))
    }

    static func score(_ model: NLUModel, on rows: [Row]) -> Score {
        let policy = BotPolicy()
        var score = Score()
        for row in rows {
            let result = model.classify(row.text)
            if row.intent == "oos" {
                score.outOfScope += 1
                if result.confidence < policy.confidenceThreshold { score.rejected += 1 }
            } else if Self.intents.contains(row.intent) {
                score.inScope += 1
                if result.intent == row.intent { score.correct += 1 }
                if result.intent == row.intent, result.confidence >= policy.confidenceThreshold {
                    score.answeredCorrectly += 1
                }
            }
        }
        return score
    }
}
