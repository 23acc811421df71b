public import Foundation

/// What a `sender_action` envelope shows the customer: that their message was read, or that an answer is
/// being written. A signal, not a message: never stored, never counted, tried once, dropped when stale.
public enum SenderAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// A read receipt for the customer's message (`relatesTo`): WhatsApp `status: read`, Messenger `mark_seen`.
    case read
    /// A typing indicator: WhatsApp `typing_indicator`, Messenger `typing_on`, Telegram `sendChatAction`,
    /// web chat's `typing` stream event.
    case typing

    /// How old a sender action may be when channel-webhook takes it: 30 s. A typing indicator that late
    /// would show after the answer it announced.
    public static let maximumAge: TimeInterval = 30

    /// Whether an action created at `createdAt` is too old to send at `now` (older than `maximumAge`, or
    /// from more than `maximumAge` in the future: a clock that cannot be trusted).
    public static func isStale(createdAt: Date, now: Date, maximumAge: TimeInterval = maximumAge) -> Bool {
        abs(now.timeIntervalSince(createdAt)) > maximumAge
    }
}

extension Envelope {
    /// A `sender_action` envelope for the customer who sent this (inbound) message, through the same channel,
    /// conversation and provider, about this message (`relatesTo` is its channel message id). Its id derives
    /// from this message's and `name`, so a redelivery makes the same one; `sender` is who answers. Nil when
    /// `actions` is empty.
    public func senderAction(_ actions: [SenderAction], by sender: Sender, name: String, at now: Date) -> Envelope? {
        guard !actions.isEmpty else { return nil }
        var signal = Envelope(
            id: DerivedID.make(from: id, name: name), tenantId: tenantId, channel: channel, direction: .outbound,
            kind: .senderAction, externalId: externalId, customerId: customerId, sessionId: sessionId,
            receivedAt: now, traceId: traceId, sender: sender, replyTo: id, relatesTo: channelMessageId)
        signal.conversationId = conversationId
        signal.provider = provider
        signal.senderActions = actions
        return signal
    }
}
