/// What the pipeline stages found out about a message. Each stage fills in its part.
///
/// Keys this version does not know are kept in ``unknownFields`` and written back on encode.
public struct Annotations: Sendable, Hashable, Codable {
    /// The intent the NLP stage recognised.
    public var intent: String?
    /// Entities the NLP stage extracted.
    public var entities: [Entity]?
    /// The NLP confidence for ``intent``, 0...1.
    public var confidence: Double?
    /// The message router's decision.
    public var routeDecision: RouteDecision?
    /// Why the message was handed to a human (set by the router or the NLP stage).
    public var handoverReason: HandoverReason?
    /// Set by the session stage on the first message after a satisfaction survey.
    public var csatSurvey: CSATSurveyMark?
    /// Annotation keys written by newer stages, preserved verbatim.
    public var unknownFields: [String: JSONValue]

    /// Creates annotations.
    public init(
        intent: String? = nil,
        entities: [Entity]? = nil,
        confidence: Double? = nil,
        routeDecision: RouteDecision? = nil,
        handoverReason: HandoverReason? = nil,
        unknownFields: [String: JSONValue] = [:]
    ) {
        self.intent = intent
        self.entities = entities
        self.confidence = confidence
        self.routeDecision = routeDecision
        self.handoverReason = handoverReason
        self.unknownFields = unknownFields
    }

    private enum Key {
        static let intent = AnyCodingKey("intent")
        static let entities = AnyCodingKey("entities")
        static let confidence = AnyCodingKey("confidence")
        static let routeDecision = AnyCodingKey("route_decision")
        static let handoverReason = AnyCodingKey("handover_reason")
        static let csatSurvey = AnyCodingKey("csat_survey")
        static let all: Set<String> = [
            "intent", "entities", "confidence", "route_decision", "handover_reason", "csat_survey",
        ]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        intent = try container.decodeIfPresent(String.self, forKey: Key.intent)
        entities = try container.decodeIfPresent([Entity].self, forKey: Key.entities)
        confidence = try container.decodeIfPresent(Double.self, forKey: Key.confidence)
        routeDecision = try container.decodeIfPresent(RouteDecision.self, forKey: Key.routeDecision)
        handoverReason = try container.decodeIfPresent(HandoverReason.self, forKey: Key.handoverReason)
        csatSurvey = try container.decodeIfPresent(CSATSurveyMark.self, forKey: Key.csatSurvey)
        unknownFields = try container.unknownFields(excluding: Key.all)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encodeIfPresent(intent, forKey: Key.intent)
        try container.encodeIfPresent(entities, forKey: Key.entities)
        try container.encodeIfPresent(confidence, forKey: Key.confidence)
        try container.encodeIfPresent(routeDecision, forKey: Key.routeDecision)
        try container.encodeIfPresent(handoverReason, forKey: Key.handoverReason)
        try container.encodeIfPresent(csatSurvey, forKey: Key.csatSurvey)
        try container.encodeUnknownFields(unknownFields, excluding: Key.all)
    }
}
