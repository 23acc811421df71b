public import Foundation

/// One conversation of a customer with a tenant, from first message until idle expiry or close.
public struct SessionRecord: Sendable, Hashable, Codable {
    /// Lifecycle state.
    public enum Status: String, Sendable, Hashable, Codable {
        case open, expired, closed
    }

    /// The handover in progress for this session, if any.
    public struct Handover: Sendable, Hashable, Codable {
        /// The ``HandoverRecord`` id.
        public var handoverId: String
        /// Why the session was handed over.
        public var reason: HandoverReason
        /// When.
        public var requestedAt: Date

        /// Creates handover info.
        public init(handoverId: String, reason: HandoverReason, requestedAt: Date) {
            self.handoverId = handoverId
            self.reason = reason
            self.requestedAt = requestedAt
        }

        enum CodingKeys: String, CodingKey {
            case reason
            case handoverId = "handover_id"
            case requestedAt = "requested_at"
        }
    }

    /// Session id (UUIDv7 string).
    public var id: String
    /// The tenant.
    public var tenantId: String
    /// The customer.
    public var customerId: String
    /// Who answers.
    public var owner: SessionOwner
    /// Lifecycle state.
    public var status: Status
    /// When the first message arrived.
    public var startedAt: Date
    /// When the last message arrived (never moves backwards).
    public var lastActivityAt: Date
    /// The sequence number the next message in this session gets (first message gets 0).
    public var nextSequence: Int64
    /// The current handover, if a human was asked for.
    public var handover: Handover?

    /// Creates a session record.
    public init(
        id: String, tenantId: String, customerId: String, owner: SessionOwner = .bot, status: Status = .open,
        startedAt: Date, lastActivityAt: Date, nextSequence: Int64 = 0, handover: Handover? = nil
    ) {
        self.id = id
        self.tenantId = tenantId
        self.customerId = customerId
        self.owner = owner
        self.status = status
        self.startedAt = startedAt
        self.lastActivityAt = lastActivityAt
        self.nextSequence = nextSequence
        self.handover = handover
    }

    enum CodingKeys: String, CodingKey {
        case id, owner, status, handover
        case tenantId = "tenant_id"
        case customerId = "customer_id"
        case startedAt = "started_at"
        case lastActivityAt = "last_activity_at"
        case nextSequence = "next_sequence"
    }
}
