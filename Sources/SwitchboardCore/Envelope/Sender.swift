/// Who produced an outbound message.
public enum Sender: Sendable, Hashable, Codable {
    /// The NLP bot.
    case bot
    /// A human agent, by id.
    case agent(id: String)
    /// Switchboard itself (offline replies, notices).
    case system

    private enum CodingKeys: String, CodingKey {
        case type
        case agentId = "agent_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "bot": self = .bot
        case "system": self = .system
        case "agent": self = .agent(id: try container.decode(String.self, forKey: .agentId))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown sender type '\(type)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .bot: try container.encode("bot", forKey: .type)
        case .system: try container.encode("system", forKey: .type)
        case .agent(let id):
            try container.encode("agent", forKey: .type)
            try container.encode(id, forKey: .agentId)
        }
    }
}
