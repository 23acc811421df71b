public import Foundation
public import SwitchboardCore

/// A handover as the agent API lists it.
public struct HandoverSummary: Sendable, Hashable, Codable {
    public var id: String
    public var sessionId: String
    public var customerId: String
    public var reason: String
    public var status: String
    public var agentId: String?
    public var createdAt: Date
    public var claimedAt: Date?
    public var resolvedAt: Date?
    /// Seconds from the request to the first claim.
    public var waitSeconds: Double?
    /// Seconds from the first claim to the resolve.
    public var handleSeconds: Double?
    /// The latest transfer's note and who made it.
    public var note: String?
    public var previousAgentId: String?
    /// When it was escalated for waiting too long.
    public var escalatedAt: Date?
    /// The text of the customer's latest message in the session, if it has text.
    public var lastCustomerMessage: String?

    public init(record: HandoverRecord, lastCustomerMessage: Content? = nil) {
        id = record.id
        sessionId = record.sessionId
        customerId = record.customerId
        reason = record.reason.rawValue
        status = record.status.rawValue
        agentId = record.agentId
        createdAt = record.createdAt
        claimedAt = record.claimedAt
        resolvedAt = record.resolvedAt
        waitSeconds = record.waitTime
        handleSeconds = record.handleTime
        note = record.note
        previousAgentId = record.previousAgentId
        escalatedAt = record.escalatedAt
        self.lastCustomerMessage = lastCustomerMessage?.textForUnderstanding
    }

    enum CodingKeys: String, CodingKey {
        case id, reason, status
        case sessionId = "session_id"
        case customerId = "customer_id"
        case agentId = "agent_id"
        case createdAt = "created_at"
        case claimedAt = "claimed_at"
        case resolvedAt = "resolved_at"
        case lastCustomerMessage = "last_customer_message"
        case waitSeconds = "wait_seconds"
        case handleSeconds = "handle_seconds"
        case note
        case previousAgentId = "previous_agent_id"
        case escalatedAt = "escalated_at"
    }
}
