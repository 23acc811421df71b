public import Foundation

/// What analytics knows about one session, merged from every record about it with operations that give
/// the same result however often a record comes (earliest, latest, set to the record's own value, add to a
/// set): a replay of the topics rebuilds it exactly. It names the customer, so a customer's erasure removes it.
public struct AnalyticsSessionFact: Sendable, Hashable, Codable {
    /// One hand-over of the session.
    public struct Handover: Sendable, Hashable, Codable {
        public var startedAt: Date?
        public var claimedAt: Date?
        public var endedAt: Date?
        /// The agent who resolved it.
        public var agentId: String?
        public var reason: String?
        /// Claimed until resolved, as the hand-over recorded it.
        public var handleSeconds: Double?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case reason
            case startedAt = "started_at"
            case claimedAt = "claimed_at"
            case endedAt = "ended_at"
            case agentId = "agent_id"
            case handleSeconds = "handle_seconds"
        }
    }

    /// The session id.
    public var id: String
    public var tenantId: String
    public var customerId: String?
    public var channel: String?
    /// The customer's first message.
    public var startedAt: Date?
    /// The last message of the customer, the bot or an agent.
    public var lastAt: Date?
    /// The first reply to the customer.
    public var firstReplyAt: Date?
    /// Agents who wrote in the session.
    public var agents: [String]?
    /// By hand-over id.
    public var handovers: [String: Handover]?
    /// The survey answer, 1-5.
    public var csat: Int?
    /// The agent the survey answer is about.
    public var csatAgent: String?

    public init(id: String, tenantId: String) {
        self.id = id
        self.tenantId = tenantId
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case tenantId = "tenant_id"
        case customerId = "customer_id"
        case channel, agents, handovers, csat
        case startedAt = "started_at"
        case lastAt = "last_at"
        case firstReplyAt = "first_reply_at"
        case csatAgent = "csat_agent"
    }
}
