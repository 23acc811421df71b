/// Scores of a model on labelled data: what `switchboard nlu evaluate` prints and writes.
///
/// Definitions (those of Larson et al. 2019 for CLINC150 and of the CoNLL slot F1 for SNIPS):
/// - *intent accuracy*: the top intent is the expected one, over all examples, no threshold;
/// - at a threshold T a message is *rejected* (out of scope) when its top confidence is below T or its
///   top intent is the out-of-scope intent; *in-scope accuracy* counts in-scope examples answered with
///   the right intent, *out-of-scope recall* out-of-scope examples rejected, *out-of-scope precision*
///   rejected examples that are out of scope, *accuracy* all examples answered right or rightly rejected;
/// - an entity counts only when its type, start and end all match (offsets in Unicode scalars).
public struct NLUEvaluation: Sendable, Hashable, Codable {
    /// What the model made of one example.
    public struct Prediction: Sendable, Hashable {
        /// The labelled intent.
        public var expected: String
        /// The top intent, nil when there is none (empty text).
        public var predicted: String?
        /// Confidence of the top intent.
        public var confidence: Double
        /// Labelled entity spans.
        public var expectedEntities: [EntitySpan]
        /// Predicted entity spans.
        public var predictedEntities: [EntitySpan]

        /// Creates a prediction.
        public init(
            expected: String, predicted: String?, confidence: Double, expectedEntities: [EntitySpan] = [],
            predictedEntities: [EntitySpan] = []
        ) {
            self.expected = expected
            self.predicted = predicted
            self.confidence = confidence
            self.expectedEntities = expectedEntities
            self.predictedEntities = predictedEntities
        }
    }

    /// Figures at one confidence threshold.
    public struct AtThreshold: Sendable, Hashable, Codable {
        /// The threshold.
        public var threshold: Double
        /// All examples answered right or rightly rejected, 0...1.
        public var accuracy: Double
        /// In-scope examples answered with the right intent, 0...1.
        public var inScopeAccuracy: Double
        /// Out-of-scope examples rejected, 0...1; nil without out-of-scope examples.
        public var outOfScopeRecall: Double?
        /// Rejected examples that are out of scope, 0...1; nil when nothing was rejected or no examples
        /// are out of scope.
        public var outOfScopePrecision: Double?
    }

    /// How often one intent was taken for another.
    public struct Confusion: Sendable, Hashable, Codable {
        /// The labelled intent.
        public var expected: String
        /// The top intent the model gave.
        public var predicted: String
        /// Examples.
        public var count: Int

        public init(expected: String, predicted: String, count: Int) {
            self.expected = expected
            self.predicted = predicted
            self.count = count
        }
    }

    /// Exact-span entity scores of one type, or of all together (micro).
    public struct EntityScore: Sendable, Hashable, Codable {
        /// Entity type, `micro` for all together.
        public var entity: String
        /// Predicted spans that match a labelled one exactly.
        public var truePositives: Int
        /// Predicted spans that match none.
        public var falsePositives: Int
        /// Labelled spans not predicted.
        public var falseNegatives: Int
        /// TP / (TP + FP), 0 when nothing was predicted.
        public var precision: Double {
            truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        /// TP / (TP + FN), 0 when nothing was labelled.
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
        /// Harmonic mean of precision and recall, 0 when both are 0.
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

        enum CodingKeys: String, CodingKey {
            case entity, truePositives, falsePositives, falseNegatives, precision, recall, f1
        }

        /// Creates a score from counts.
        public init(entity: String, truePositives: Int, falsePositives: Int, falseNegatives: Int) {
            self.entity = entity
            self.truePositives = truePositives
            self.falsePositives = falsePositives
            self.falseNegatives = falseNegatives
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            entity = try container.decode(String.self, forKey: .entity)
            truePositives = try container.decode(Int.self, forKey: .truePositives)
            falsePositives = try container.decode(Int.self, forKey: .falsePositives)
            falseNegatives = try container.decode(Int.self, forKey: .falseNegatives)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entity, forKey: .entity)
            try container.encode(truePositives, forKey: .truePositives)
            try container.encode(falsePositives, forKey: .falsePositives)
            try container.encode(falseNegatives, forKey: .falseNegatives)
            try container.encode(precision, forKey: .precision)
            try container.encode(recall, forKey: .recall)
            try container.encode(f1, forKey: .f1)
        }
    }

    /// Latency per message in milliseconds.
    public struct Latency: Sendable, Hashable, Codable {
        /// Median.
        public var p50: Double
        /// 95th percentile.
        public var p95: Double
        /// Messages measured.
        public var messages: Int

        public init(p50: Double, p95: Double, messages: Int) {
            self.p50 = p50
            self.p95 = p95
            self.messages = messages
        }
    }

    /// Examples evaluated.
    public var examples: Int
    /// In-scope examples (intent not ``outOfScopeIntent``).
    public var inScopeExamples: Int
    /// Out-of-scope examples.
    public var outOfScopeExamples: Int
    /// The intent that labels out-of-scope examples.
    public var outOfScopeIntent: String
    /// Top intent right, over all examples, no threshold.
    public var intentAccuracy: Double
    /// Figures at the threshold asked for (the tenant's).
    public var atThreshold: AtThreshold
    /// The threshold (0.00 to 1.00 by 0.01) that maximises in-scope accuracy plus out-of-scope recall;
    /// nil without out-of-scope examples.
    public var bestThreshold: AtThreshold?
    /// The most frequent confusions (top intent, no threshold), most frequent first, at most 10.
    public var confusions: [Confusion]
    /// Exact-span entity scores per type (sorted by type); empty when no example has entities.
    public var entities: [EntityScore]
    /// All entity types together.
    public var entityMicro: EntityScore?
    /// Intent right and every entity exactly right, 0...1 (no threshold).
    public var sentenceAccuracy: Double
    /// Classification and tagging time per message (wall clock), when measured.
    public var latency: Latency?
    /// The same in CPU time of the measuring thread: on a busy machine, what one free core would take.
    public var cpuLatency: Latency?
    /// Training time in seconds (wall clock), when the model was trained for this evaluation.
    public var trainingSeconds: Double?
    /// Training time in CPU seconds of the process (training runs on one thread).
    public var trainingCPUSeconds: Double?
    /// The model file's format version and SHA-256 checksum, when evaluated from a file.
    public var model: String?
}
