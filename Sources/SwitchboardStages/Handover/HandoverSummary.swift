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
    }
}
