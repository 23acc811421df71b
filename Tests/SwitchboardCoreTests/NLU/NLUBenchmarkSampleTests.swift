import Foundation
import SwitchboardCore
import Testing

/// Trains on stratified samples of the shared benchmarks (CLINC150, Larson et al. 2019, CC BY 3.0; SNIPS,
/// Coucke et al. 2018, CC0) and checks the validation figures. The full figures come from
/// `switchboard nlu evaluate` (see the README); these samples keep a debug test run short.
@Suite("NLU benchmark samples")
struct NLUBenchmarkSampleTests {
    static var sharedDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["SWITCHBOARD_NLP_DATA"] {
            return URL(fileURLWithPath: override)
        }
        // Tests/SwitchboardCoreTests/NLU/<file> → repository → its parent, where shared/ lives.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/nlp")
    }

    static func load(_ path: String) throws -> NLUTrainingData {
        try NLUTrainingData.parse(data: Data(contentsOf: sharedDirectory.appendingPathComponent(path)))
    }

    /// The first `perIntent` examples of each kept intent, in file order.
    static func sample(_ data: NLUTrainingData, keep: (String) -> Bool, perIntent: Int) -> NLUTrainingData {
        NLUTrainingData(
            intents: data.intents.filter { keep($0.name) }.map {
                .init(
                    name: $0.name, examples: Array($0.examples.prefix(perIntent)),
                    entities: Array($0.entities.prefix(perIntent)))
            })
    }

    @Test("SNIPS, 3 intents × 150 examples: intents and learned entities on validation")
    func snips() async throws {
        let evaluation = try await heavyCPUWork {
            let intents: Set = ["BookRestaurant", "GetWeather", "RateBook"]
            let train = Self.sample(try Self.load("snips/train.json"), keep: intents.contains, perIntent: 150)
            let model = try NLUModel(training: train)
            let val = try Self.load("snips/val.json").examples.filter { intents.contains($0.intent) }
            return NLUEvaluation(predictions: model.predictions(for: val).predictions, threshold: 0.5)
        }
        #expect(evaluation.examples == 300)
        #expect(evaluation.intentAccuracy >= 0.97, "intent accuracy \(evaluation.intentAccuracy)")
        let micro = try #require(evaluation.entityMicro)
        #expect(micro.f1 >= 0.80, "entity micro F1 \(micro.f1)")
        let city = try #require(evaluation.entities.first { $0.entity == "city" })
        #expect(city.f1 >= 0.6, "city F1 \(city.f1)")
    }

    @Test("CLINC150, 15 intents and out-of-scope, 50 examples each: accuracy and rejection on validation")
    func clinc() async throws {
        let evaluation = try await heavyCPUWork {
            let train = try Self.load("clinc150/train.json")
            let inScope = train.intents.map(\.name).filter { $0 != "oos" }.sorted()
            let kept = Set(stride(from: 0, to: inScope.count, by: 10).map { inScope[$0] } + ["oos"])
            let model = try NLUModel(training: Self.sample(train, keep: kept.contains, perIntent: 50))
            let val = try Self.load("clinc150/val.json").examples.filter { kept.contains($0.intent) }
            return NLUEvaluation(predictions: model.predictions(for: val).predictions, threshold: 0.5)
        }
        #expect(evaluation.inScopeExamples == 300 && evaluation.outOfScopeExamples == 100)
        let best = try #require(evaluation.bestThreshold)
        #expect(best.inScopeAccuracy >= 0.9, "in-scope accuracy \(best.inScopeAccuracy) at \(best.threshold)")
        #expect((best.outOfScopeRecall ?? 0) >= 0.6, "out-of-scope recall \(best.outOfScopeRecall ?? 0)")
    }
}
