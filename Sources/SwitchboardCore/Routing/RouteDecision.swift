/// Where the message router sends a message.
public enum RouteTarget: String, Sendable, Hashable, Codable {
    /// To the NLP bot (`nlp` topic).
    case bot
    /// To a human agent (`handover` topic).
    case human
    /// Nobody is available: answer with the tenant's offline reply (`outbound` topic).
    case offlineReply = "offline_reply"
}

/// Why the router chose its target. Open set of snake_case wire values.
public struct RouteReason: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire value.
    public var rawValue: String

    /// Creates a reason from its wire value.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A human agent already owns the session.
    public static let humanOwnsSession = RouteReason(rawValue: "human_owns_session")
    /// The customer used a handover phrase.
    public static let customerAskedForHuman = RouteReason(rawValue: "customer_asked_for_human")
    /// A human was wanted but the tenant is outside business hours.
    public static let outsideBusinessHours = RouteReason(rawValue: "outside_business_hours")
    /// Nothing special: the bot answers.
    public static let botDefault = RouteReason(rawValue: "bot_default")
    /// The bot handed over (reason in the envelope's `handover_reason`).
    public static let botHandover = RouteReason(rawValue: "bot_handover")

    public var description: String { rawValue }
}

/// The router's decision for one message, also stored in the envelope's annotations.
public struct RouteDecision: Sendable, Hashable, Codable {
    /// Where the message goes.
    public var target: RouteTarget
    /// Why.
    public var reason: RouteReason
    /// For `offlineReply`: the text to send.
    public var replyText: String?

    /// Creates a decision.
    public init(target: RouteTarget, reason: RouteReason, replyText: String? = nil) {
        self.target = target
        self.reason = reason
        self.replyText = replyText
    }

    enum CodingKeys: String, CodingKey {
        case target, reason
        case replyText = "reply_text"
    }
}
