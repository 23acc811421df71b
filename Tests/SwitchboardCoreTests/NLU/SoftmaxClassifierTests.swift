import Foundation
import Testing

@testable import SwitchboardCore

@Suite("Softmax intent classifier")
struct SoftmaxClassifierTests {
    static let training: [NLUTrainingData.IntentExamples] = [
        .init(
            name: "weather", examples: ["will it rain today", "weather forecast for tomorrow", "is it sunny outside"]),
        .init(name: "music", examples: ["play some jazz", "put on my playlist", "play the next song"]),
        .init(name: "alarm", examples: ["wake me up at seven", "set an alarm for 6am", "alarm tomorrow morning"]),
    ]

    @Test("learns separable intents, probabilities sum to one, best first")
    func learns() {
        let classifier = IntentClassifier(training: Self.training)
        for (text, intent) in [("rain tomorrow?", "weather"), ("play a song", "music"), ("set an alarm", "alarm")] {
            let ranking = classifier.rank(TextFeatures(text))
            #expect(ranking.first?.intent == intent, "\(text): \(ranking)")
            #expect(abs(ranking.map(\.confidence).reduce(0, +) - 1) < 1e-5)
            #expect(ranking.map(\.confidence) == ranking.map(\.confidence).sorted(by: >))
        }
    }

    @Test("text of unknown words gets a lower confidence than a training example")
    func unknownWordsAreUnsure() {
        let classifier = IntentClassifier(training: Self.training)
        let known = classifier.rank(TextFeatures("play some jazz")).first?.confidence ?? 0
        let unknown = classifier.rank(TextFeatures("xylophone quantum zebra")).first?.confidence ?? 1
        #expect(known > 0.6)
        #expect(unknown < 0.5)
        #expect(unknown < known)
    }

    @Test("training is deterministic to the bit; another seed gives other weights")
    func deterministic() {
        let first = IntentClassifier(training: Self.training)
        let second = IntentClassifier(training: Self.training)
        #expect(first.model.weights.map(\.bitPattern) == second.model.weights.map(\.bitPattern))
        #expect(first.model.bias.map(\.bitPattern) == second.model.bias.map(\.bitPattern))
        var parameters = IntentClassifier.Parameters()
        parameters.softmax.seed = 7
        let reseeded = IntentClassifier(training: Self.training, parameters: parameters)
        #expect(reseeded.model.weights != first.model.weights)
    }

    @Test("the seeded permutation is a fixed permutation")
    func permutation() {
        var generator = SeededGenerator(seed: 42)
        let order = generator.permutation(10)
        #expect(order.sorted() == Array(0..<10))
        var again = SeededGenerator(seed: 42)
        #expect(again.permutation(10) == order)
        #expect(order != Array(0..<10))
    }
}

@Suite("Temperature scaling")
struct TemperatureScalingTests {
    @Test("the fitted temperature makes the held-out probabilities match the held-out frequencies")
    func fitsFrequencies() {
        // Score 2 for class 0 on four examples, three of which are class 0: the loss is lowest where
        // sigmoid(2 / T) = 3/4, that is T = 2 / ln 3.
        let logits: [[Float]] = Array(repeating: [2, 0], count: 4)
        let temperature = TemperatureScaling.fit(logits: logits, labels: [0, 0, 0, 1])
        #expect(abs(Double(temperature) - 2 / log(3.0)) < 1e-4)
        // All right: as sure as the search range allows.
        #expect(TemperatureScaling.fit(logits: [[2, 0], [0, 2]], labels: [0, 1]) < 0.051)
        #expect(TemperatureScaling.fit(logits: [], labels: []) == 1)
        // Without out-of-scope examples to learn from, the confidences may only come down.
        let unsharpened = TemperatureScaling.fit(logits: [[2, 0], [0, 2]], labels: [0, 1], sharpen: false)
        #expect(unsharpened >= 1 && unsharpened < 1.001)
        let softened = TemperatureScaling.fit(logits: logits, labels: [0, 0, 0, 1], sharpen: false)
        #expect(abs(Double(softened) - 2 / log(3.0)) < 1e-4)
    }

    @Test("calibration keeps the top intent and is the same on every run")
    func keepsRanking() {
        var uncalibrated = IntentClassifier.Parameters()
        uncalibrated.calibrate = false
        let plain = IntentClassifier(training: SoftmaxClassifierTests.training, parameters: uncalibrated)
        let calibrated = IntentClassifier(training: SoftmaxClassifierTests.training)
        let again = IntentClassifier(training: SoftmaxClassifierTests.training)
        #expect(calibrated.model.temperature >= 1)
        #expect(calibrated.model.temperature.bitPattern == again.model.temperature.bitPattern)
        for text in ["hello there", "where is my parcel", "thanks a lot", "completely unrelated words"] {
            let features = TextFeatures(text)
            #expect(plain.rank(features).first?.intent == calibrated.rank(features).first?.intent, "\(text)")
        }
    }
}
