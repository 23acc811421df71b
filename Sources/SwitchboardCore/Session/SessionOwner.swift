/// Who answers the customer in a session.
public enum SessionOwner: Sendable, Hashable, Codable {
    /// The NLP bot.
    case bot
    /// A human; `agentId` is nil while the handover waits for an agent to claim it.
    case human(agentId: String?)

    /// Whether a human (waiting or assigned) owns the session.
    public var isHuman: Bool {
        if case .human = self { true } else { false }
    }

    private enum CodingKeys: String, CodingKey {
        case type
        case agentId = "agent_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "bot": self = .bot
        case "human": self = .human(agentId: try container.decodeIfPresent(String.self, forKey: .agentId))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown session owner '\(type)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .bot:
            try container.encode("bot", forKey: .type)
        case .human(let agentId):
            try container.encode("human", forKey: .type)
            try container.encodeIfPresent(agentId, forKey: .agentId)
        }
    }
}
