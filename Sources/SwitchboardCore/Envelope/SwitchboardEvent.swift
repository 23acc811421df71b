public import Foundation

/// A business event on the `events` topic, for dashboards, agent consoles and analytics.
public struct SwitchboardEvent: Sendable, Hashable, Codable {
    /// What happened. Open set of snake_case wire values.
    public struct EventType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The wire value.
        public var rawValue: String
        /// Creates a type from its wire value.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A new session was opened.
        public static let sessionStarted = EventType(rawValue: "session_started")
        /// A session expired after the idle timeout.
        public static let sessionExpired = EventType(rawValue: "session_expired")
        /// A conversation was handed to a human and waits for an agent.
        public static let handoverStarted = EventType(rawValue: "handover_started")
        /// An agent claimed a waiting handover.
        public static let handoverClaimed = EventType(rawValue: "handover_claimed")
        /// A claimed handover went to another agent (`agent_id`, from `previous_agent_id`), with a `note`.
        public static let handoverTransferred = EventType(rawValue: "handover_transferred")
        /// A claimed handover went back to the queue (from `previous_agent_id`), with a `note`.
        public static let handoverReturnedToQueue = EventType(rawValue: "handover_returned_to_queue")
        /// A customer wrote while their conversation is handed over (`message_id`): the desk shows it live.
        public static let handoverCustomerMessage = EventType(rawValue: "handover_customer_message")
        /// A handover waited past its tenant's assign timeout; supervisors are told.
        public static let handoverEscalated = EventType(rawValue: "handover_escalated")
        /// A handover was resolved; the bot owns the session again.
        public static let handoverEnded = EventType(rawValue: "handover_ended")
        /// Everything stored about a customer was erased (`erased_at`; no personal data): consumers that keep
        /// their own copies drop the customer's.
        public static let customerErased = EventType(rawValue: "customer_erased")
        /// A customer opted out of a channel (`channel`; `source` `keyword` with the `language`, or
        /// `vendor_error` with the vendor's `code`): nothing more is sent there but the confirmation.
        public static let customerOptedOut = EventType(rawValue: "customer_opted_out")
        /// A customer opted back into a channel (`channel`, `source` `keyword`, `language`).
        public static let customerOptedIn = EventType(rawValue: "customer_opted_in")
        /// A customer answered the satisfaction survey (`score` 1-5, `agent_id`; `session_id` is the session
        /// asked about).
        public static let csatAnswered = EventType(rawValue: "csat_answered")
        /// A channel reported delivery/read/failure of an outbound message.
        public static let deliveryStatus = EventType(rawValue: "delivery_status")

        public var description: String { rawValue }
    }

    /// Unique event id (UUIDv7).
    public var id: UUID
    /// What happened.
    public var type: EventType
    /// The tenant.
    public var tenantId: String
    /// The customer, if known.
    public var customerId: String?
    /// The session, if any.
    public var sessionId: String?
    /// The trace id of the message that caused the event, if any.
    public var traceId: String?
    /// When it happened.
    public var occurredAt: Date
    /// Event-specific details, e.g. `reason`, `agent_id`, `handover_id`, `state`.
    public var details: [String: String]

    /// Creates an event.
    public init(
        id: UUID, type: EventType, tenantId: String, customerId: String? = nil, sessionId: String? = nil,
        traceId: String? = nil, occurredAt: Date, details: [String: String] = [:]
    ) {
        self.id = id
        self.type = type
        self.tenantId = tenantId
        self.customerId = customerId
        self.sessionId = sessionId
        self.traceId = traceId
        self.occurredAt = occurredAt
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case id, type, details
        case tenantId = "tenant_id"
        case customerId = "customer_id"
        case sessionId = "session_id"
        case traceId = "trace_id"
        case occurredAt = "occurred_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        type = try container.decode(EventType.self, forKey: .type)
        tenantId = try container.decode(String.self, forKey: .tenantId)
        customerId = try container.decodeIfPresent(String.self, forKey: .customerId)
        sessionId = try container.decodeIfPresent(String.self, forKey: .sessionId)
        traceId = try container.decodeIfPresent(String.self, forKey: .traceId)
        occurredAt = try container.decode(Date.self, forKey: .occurredAt)
        details = try container.decodeIfPresent([String: String].self, forKey: .details) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.uuidString.lowercased(), forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(tenantId, forKey: .tenantId)
        try container.encodeIfPresent(customerId, forKey: .customerId)
        try container.encodeIfPresent(sessionId, forKey: .sessionId)
        try container.encodeIfPresent(traceId, forKey: .traceId)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(details, forKey: .details)
    }
}
