extension NLUEvaluation {
    /// Scores `predictions` at `threshold`; `latencies` in milliseconds.
    public init(
        predictions: [Prediction], threshold: Double, outOfScopeIntent: String = "oos", latencies: [Double] = [],
        cpuLatencies: [Double] = [], trainingSeconds: Double? = nil, trainingCPUSeconds: Double? = nil,
        model: String? = nil
    ) {
        examples = predictions.count
        self.outOfScopeIntent = outOfScopeIntent
        outOfScopeExamples = predictions.count { $0.expected == outOfScopeIntent }
        inScopeExamples = examples - outOfScopeExamples
        intentAccuracy = Self.ratio(predictions.count { $0.predicted == $0.expected }, examples)
        atThreshold = Self.score(predictions, threshold: threshold, outOfScopeIntent: outOfScopeIntent)
        bestThreshold =
            outOfScopeExamples > 0 ? Self.bestThreshold(predictions, outOfScopeIntent: outOfScopeIntent) : nil
        var confused: [String: Confusion] = [:]
        for prediction in predictions where prediction.predicted != prediction.expected {
            let predicted = prediction.predicted ?? "(none)"
            confused[
                "\(prediction.expected)\u{0}\(predicted)",
                default: Confusion(expected: prediction.expected, predicted: predicted, count: 0)
            ].count += 1
        }
        confusions = Array(
            confused.values.sorted { ($1.count, $0.expected, $0.predicted) < ($0.count, $1.expected, $1.predicted) }
                .prefix(10))
        var counts: [String: EntityScore] = [:]
        var sentencesRight = 0
        for prediction in predictions {
            let expected = Set(prediction.expectedEntities.map(Self.key))
            let predicted = Set(prediction.predictedEntities.map(Self.key))
            for span in expected {
                counts[
                    span.entity,
                    default: EntityScore(entity: span.entity, truePositives: 0, falsePositives: 0, falseNegatives: 0)
                ]
                .truePositives += predicted.contains(span) ? 1 : 0
                counts[span.entity]?.falseNegatives += predicted.contains(span) ? 0 : 1
            }
            for span in predicted where !expected.contains(span) {
                counts[
                    span.entity,
                    default: EntityScore(entity: span.entity, truePositives: 0, falsePositives: 0, falseNegatives: 0)
                ]
                .falsePositives += 1
            }
            if prediction.predicted == prediction.expected, expected == predicted { sentencesRight += 1 }
        }
        entities = counts.values.sorted { $0.entity < $1.entity }
        entityMicro =
            entities.isEmpty
            ? nil
            : EntityScore(
                entity: "micro", truePositives: entities.reduce(0) { $0 + $1.truePositives },
                falsePositives: entities.reduce(0) { $0 + $1.falsePositives },
                falseNegatives: entities.reduce(0) { $0 + $1.falseNegatives })
        sentenceAccuracy = Self.ratio(sentencesRight, examples)
        latency = latencies.isEmpty ? nil : Self.latency(latencies)
        cpuLatency = cpuLatencies.isEmpty ? nil : Self.latency(cpuLatencies)
        self.trainingSeconds = trainingSeconds
        self.trainingCPUSeconds = trainingCPUSeconds
        self.model = model
    }

    /// Only type and offsets count; a normalised value does not.
    private static func key(_ span: EntitySpan) -> EntitySpan {
        EntitySpan(entity: span.entity, start: span.start, end: span.end)
    }

    /// The lowest threshold of 0.00, 0.01, … 1.00 with the highest in-scope accuracy plus out-of-scope recall.
    static func bestThreshold(_ predictions: [Prediction], outOfScopeIntent: String) -> AtThreshold {
        var best = score(predictions, threshold: 0, outOfScopeIntent: outOfScopeIntent)
        for step in 1...100 {
            let candidate = score(predictions, threshold: Double(step) / 100, outOfScopeIntent: outOfScopeIntent)
            let gain =
                (candidate.inScopeAccuracy + (candidate.outOfScopeRecall ?? 0))
                - (best.inScopeAccuracy + (best.outOfScopeRecall ?? 0))
            if gain > 1e-12 { best = candidate }
        }
        return best
    }

    static func score(_ predictions: [Prediction], threshold: Double, outOfScopeIntent: String) -> AtThreshold {
        var right = 0
        var inScopeRight = 0
        var inScope = 0
        var outOfScope = 0
        var rejected = 0
        var rightlyRejected = 0
        for prediction in predictions {
            let reject =
                prediction.predicted == nil || prediction.predicted == outOfScopeIntent
                || prediction.confidence < threshold
            let isOutOfScope = prediction.expected == outOfScopeIntent
            if reject { rejected += 1 }
            if isOutOfScope {
                outOfScope += 1
                if reject {
                    rightlyRejected += 1
                    right += 1
                }
            } else {
                inScope += 1
                if !reject, prediction.predicted == prediction.expected {
                    inScopeRight += 1
                    right += 1
                }
            }
        }
        return AtThreshold(
            threshold: threshold, accuracy: ratio(right, predictions.count),
            inScopeAccuracy: ratio(inScopeRight, inScope),
            outOfScopeRecall: outOfScope == 0 ? nil : ratio(rightlyRejected, outOfScope),
            outOfScopePrecision: outOfScope == 0 || rejected == 0 ? nil : ratio(rightlyRejected, rejected))
    }

    /// Nearest-rank percentiles.
    static func latency(_ milliseconds: [Double]) -> Latency {
        let sorted = milliseconds.sorted()
        func percentile(_ p: Double) -> Double {
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }
        return Latency(p50: percentile(50), p95: percentile(95), messages: sorted.count)
    }

    private static func ratio(_ part: Int, _ whole: Int) -> Double {
        whole == 0 ? 0 : Double(part) / Double(whole)
    }
}

extension NLUModel {
    /// What the model makes of each example. With `measure` (which runs its argument and returns the
    /// milliseconds it took, wall clock and CPU), `latencies` has one entry per message (classification and
    /// tagging together).
    public func predictions(
        for examples: [NLUExample], measure: ((() -> Void) -> (wall: Double, cpu: Double))? = nil
    ) -> (predictions: [NLUEvaluation.Prediction], latencies: [(wall: Double, cpu: Double)]) {
        var predictions: [NLUEvaluation.Prediction] = []
        var latencies: [(wall: Double, cpu: Double)] = []
        predictions.reserveCapacity(examples.count)
        for example in examples {
            var result = NLPResult(intent: nil, confidence: 0)
            var spans: [EntitySpan] = []
            let classifyAndTag = { (result, spans) = analyse(example.text) }
            if let measure {
                latencies.append(measure(classifyAndTag))
            } else {
                classifyAndTag()
            }
            predictions.append(
                NLUEvaluation.Prediction(
                    expected: example.intent, predicted: result.intent, confidence: result.confidence,
                    expectedEntities: example.entities, predictedEntities: spans))
        }
        return (predictions, latencies)
    }
}
