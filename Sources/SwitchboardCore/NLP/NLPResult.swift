/// One intent and its confidence.
public struct IntentScore: Sendable, Hashable, Codable {
    /// Intent name.
    public var intent: String
    /// Confidence 0...1.
    public var confidence: Double

    /// Creates a score.
    public init(intent: String, confidence: Double) {
        self.intent = intent
        self.confidence = confidence
    }
}

/// What an NLP engine understood of a message.
public struct NLPResult: Sendable, Hashable {
    /// The best intent, nil if the engine has none (no training data, empty text).
    public var intent: String?
    /// Confidence of ``intent``, 0...1.
    public var confidence: Double
    /// Extracted entities.
    public var entities: [Entity]
    /// The best intents with confidences, best first (at most 10).
    public var ranking: [IntentScore]

    /// Creates a result.
    public init(intent: String?, confidence: Double, entities: [Entity] = [], ranking: [IntentScore] = []) {
        self.intent = intent
        self.confidence = confidence
        self.entities = entities
        self.ranking = ranking
    }
}
