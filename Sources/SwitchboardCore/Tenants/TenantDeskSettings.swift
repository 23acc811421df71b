/// A tenant's agent desk settings, from the tenants file (`desk:`).
///
/// ```yaml
/// desk:
///   max_conversations_per_agent: 5
///   assign_timeout_seconds: 300
///   still_waiting_message: "Thanks for waiting: all our agents are busy, one will be with you shortly."
/// ```
public struct TenantDeskSettings: Sendable, Hashable, Codable {
    /// Most conversations one agent may hold at once; claims and transfers beyond it are refused (409).
    /// Default 0: no limit.
    public var maxConversationsPerAgent: Int
    /// A hand-over nobody claims within this many seconds is escalated: supervisors are told, and the
    /// customer gets ``stillWaitingMessage`` once. Default 0: never.
    public var assignTimeoutSeconds: Double
    /// What the customer is told when their hand-over is escalated.
    public var stillWaitingMessage: String

    /// The default ``stillWaitingMessage``.
    public static let defaultStillWaitingMessage =
        "Thank you for waiting. All of our team are busy right now; the next free person will answer you here."

    public init(
        maxConversationsPerAgent: Int = 0, assignTimeoutSeconds: Double = 0,
        stillWaitingMessage: String = TenantDeskSettings.defaultStillWaitingMessage
    ) {
        self.maxConversationsPerAgent = maxConversationsPerAgent
        self.assignTimeoutSeconds = assignTimeoutSeconds
        self.stillWaitingMessage = stillWaitingMessage
    }

    /// Checks what a decoder cannot: a limit from 0 to 1000, a timeout from 0 to 7 days, a message of 1 to
    /// 1000 characters.
    func validate(tenant: String) throws(TenantConfigurationError) {
        guard (0...1000).contains(maxConversationsPerAgent) else {
            throw TenantConfigurationError("tenant '\(tenant)': desk.max_conversations_per_agent must be 0 to 1000")
        }
        guard assignTimeoutSeconds >= 0, assignTimeoutSeconds <= 604_800 else {
            throw TenantConfigurationError("tenant '\(tenant)': desk.assign_timeout_seconds must be 0 to 604800")
        }
        guard !stillWaitingMessage.isEmpty, stillWaitingMessage.count <= 1000 else {
            throw TenantConfigurationError(
                "tenant '\(tenant)': desk.still_waiting_message must be 1 to 1000 characters")
        }
    }

    enum CodingKeys: String, CodingKey {
        case maxConversationsPerAgent = "max_conversations_per_agent"
        case assignTimeoutSeconds = "assign_timeout_seconds"
        case stillWaitingMessage = "still_waiting_message"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxConversationsPerAgent = try container.decodeIfPresent(Int.self, forKey: .maxConversationsPerAgent) ?? 0
        assignTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .assignTimeoutSeconds) ?? 0
        stillWaitingMessage =
            try container.decodeIfPresent(String.self, forKey: .stillWaitingMessage)
            ?? Self.defaultStillWaitingMessage
    }
}
