import Foundation

extension SequenceTagger {
    /// Trains on annotated examples; nil when no example has an entity.
    init?(examples: [NLUExample], lookups: [String: [String]], parameters: Parameters = Parameters()) {
        let annotated = examples.filter { !$0.entities.isEmpty }
        guard !annotated.isEmpty else { return nil }
        let features = TaggerFeatures(lookups: lookups)
        let types = Set(annotated.flatMap { $0.entities.map(\.entity) }).sorted()
        let tags = ["O"] + types.flatMap { ["B-" + $0, "I-" + $0] }
        let tagIndex = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0) })
        let sentences = examples.map { example -> (tokens: [EntityToken], gold: [Int]) in
            let tokens = EntityTokenizer.tokens(example.text)
            return (tokens, Self.tags(for: tokens, spans: example.entities).map { tagIndex[$0] ?? 0 })
        }.filter { !$0.tokens.isEmpty }

        // Vocabulary: features seen often enough, numbered in sorted order.
        var frequency: [String: Int] = [:]
        for (index, sentence) in sentences.enumerated() {
            for token in features.features(sentence.tokens, intent: examples[index].intent) {
                for feature in token { frequency[feature, default: 0] += 1 }
            }
        }
        let minimum = sentences.count >= parameters.largeDataSet ? parameters.minimumCount : 1
        let kept = frequency.filter { $0.value >= minimum }.keys.sorted()
        let featureIndex = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, Int32($0)) })
        let indexed = sentences.enumerated().map { index, sentence in
            features.features(sentence.tokens, intent: examples[index].intent).map {
                $0.compactMap { featureIndex[$0] }
            }
        }

        let averaged = Self.train(
            indexed, gold: sentences.map(\.gold), tags: tags, featureCount: kept.count, parameters: parameters)
        var rowStart: [Int32] = [0]
        var rowTags: [UInt16] = []
        var rowWeights: [Float] = []
        for feature in 0..<kept.count {
            for tag in 0..<tags.count {
                let weight = averaged.emission[feature * tags.count + tag]
                if weight != 0 {
                    rowTags.append(UInt16(tag))
                    rowWeights.append(weight)
                }
            }
            rowStart.append(Int32(rowTags.count))
        }
        self.init(
            tags: tags, featureIndex: featureIndex, rowStart: rowStart, rowTags: rowTags, rowWeights: rowWeights,
            transitions: averaged.transitions, features: features)
    }

    /// The averaged perceptron: weights minus the step-weighted sum of updates over the step count.
    private static func train(
        _ sentences: [[[Int32]]], gold: [[Int]], tags: [String], featureCount: Int, parameters: Parameters
    ) -> (emission: [Float], transitions: [Float]) {
        let count = tags.count
        var weights = [Float](repeating: 0, count: featureCount * count)
        var updates = [Double](repeating: 0, count: featureCount * count)
        var transitions = [Float](repeating: 0, count: (count + 1) * count)
        var transitionUpdates = [Double](repeating: 0, count: (count + 1) * count)
        var generator = SeededGenerator(seed: parameters.seed)
        var step: Double = 1
        let predecessors = predecessors(tags)
        // One pointer for the whole run, so the emission closure reads the weights without an exclusivity
        // check or bounds checks per element.
        weights.withUnsafeMutableBufferPointer { weights in
            guard let weights = weights.baseAddress else { return }
            for _ in 0..<parameters.epochs {
                for sentenceIndex in generator.permutation(sentences.count) {
                    let sentence = sentences[sentenceIndex]
                    let expected = gold[sentenceIndex]
                    let predicted = viterbi(sentence.count, predecessors: predecessors, transitions: transitions) {
                        position, scores in
                        scores.withUnsafeMutableBufferPointer { scores in
                            for tag in 0..<count { scores[tag] = 0 }
                            for feature in sentence[position] {
                                let row = weights + Int(feature) &* count
                                for tag in 0..<count { scores[tag] += row[tag] }
                            }
                        }
                    }
                    if predicted != expected {
                        for position in sentence.indices {
                            let right = expected[position]
                            let wrong = predicted[position]
                            let rightPrevious = position == 0 ? count : expected[position - 1]
                            let wrongPrevious = position == 0 ? count : predicted[position - 1]
                            if right != wrong {
                                for feature in sentence[position] {
                                    let row = Int(feature) * count
                                    weights[row + right] += 1
                                    updates[row + right] += step
                                    weights[row + wrong] -= 1
                                    updates[row + wrong] -= step
                                }
                            }
                            if right != wrong || rightPrevious != wrongPrevious {
                                transitions[rightPrevious * count + right] += 1
                                transitionUpdates[rightPrevious * count + right] += step
                                transitions[wrongPrevious * count + wrong] -= 1
                                transitionUpdates[wrongPrevious * count + wrong] -= step
                            }
                        }
                    }
                    step += 1
                }
            }
        }
        func average(_ weights: [Float], _ updates: [Double]) -> [Float] {
            zip(weights, updates).map { Float(Double($0) - $1 / step) }
        }
        return (average(weights, updates), average(transitions, transitionUpdates))
    }
}
