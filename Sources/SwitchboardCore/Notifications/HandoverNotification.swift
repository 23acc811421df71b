public import Foundation

/// What a tenant is told about a hand-over: its ids, channel, reason and wait, never the customer's words.
///
/// The webhook's JSON body, the email and the SMS are all made from this. ``id`` is derived from the
/// hand-over id and the event, so the same event always has the same id: it is the idempotency key of the
/// notification, and each target's delivery id is derived from it (``deliveryId(target:)``).
public struct HandoverNotification: Sendable, Hashable, Codable {
    /// The notification's id: the same for a redelivered hand-over start or a repeated escalation sweep.
    public var id: String
    public var event: HandoverNotificationEvent
    public var tenantId: String
    public var handoverId: String
    /// The conversation (session) handed over.
    public var sessionId: String
    public var customerId: String
    /// The customer's channel (`webchat`, `whatsapp`…), when known.
    public var channel: String?
    public var reason: String
    /// When the hand-over was requested.
    public var requestedAt: Date
    /// When this event happened.
    public var occurredAt: Date
    /// Seconds the customer has waited so far (0 at the start).
    public var waitSeconds: Int
    /// The tenant's desk, from `notifications.desk_url`.
    public var deskURL: String?

    public init(
        event: HandoverNotificationEvent, handover: HandoverRecord, channel: String?, occurredAt: Date,
        deskURL: String?
    ) {
        let eventType: SwitchboardEvent.EventType =
            event == .handoverStarted ? .handoverStarted : .handoverEscalated
        self.id = DerivedID.make(from: handover.lifecycleEventId(eventType), name: "notification")
            .uuidString.lowercased()
        self.event = event
        self.tenantId = handover.tenantId
        self.handoverId = handover.id
        self.sessionId = handover.sessionId
        self.customerId = handover.customerId
        self.channel = channel
        self.reason = handover.reason.rawValue
        self.requestedAt = handover.createdAt
        self.occurredAt = occurredAt
        self.waitSeconds = max(0, Int(occurredAt.timeIntervalSince(handover.createdAt).rounded(.down)))
        self.deskURL = deskURL
    }

    /// The id of this notification's delivery to the target at `target` (its position in the tenant's list):
    /// the webhook's `X-Switchboard-Delivery`, the email's `Message-ID`, the key of its progress.
    public func deliveryId(target: String) -> String {
        let namespace = UUID(uuidString: id) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        return DerivedID.make(from: namespace, name: "target:\(target)").uuidString.lowercased()
    }

    /// A one-line summary for an SMS or an email subject: ASCII apart from what the ids carry.
    public var summary: String {
        let what = event == .handoverStarted ? "Customer waiting for an agent" : "Hand-over still unclaimed"
        var line = "\(what) (\(tenantId)"
        if let channel { line += ", \(channel)" }
        line += ", \(reason)"
        if event == .handoverEscalated { line += ", waiting \(Self.duration(waitSeconds))" }
        return line + ")"
    }

    /// `95 s`, `12 min`, `2 h 5 min`.
    public static func duration(_ seconds: Int) -> String {
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }

    enum CodingKeys: String, CodingKey {
        case id, event, channel, reason
        case tenantId = "tenant_id"
        case handoverId = "handover_id"
        case sessionId = "conversation_id"
        case customerId = "customer_id"
        case requestedAt = "requested_at"
        case occurredAt = "occurred_at"
        case waitSeconds = "wait_seconds"
        case deskURL = "desk_url"
    }
}
