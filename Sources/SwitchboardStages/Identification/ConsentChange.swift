import Foundation
public import SwitchboardCore
public import SwitchboardRuntime

/// What customer-identification does with a STOP or START keyword, once the customer is known and the
/// change stored: a `customer_opted_out`/`customer_opted_in` event and the confirmation, both with ids
/// derived from the message's, so a redelivered keyword produces the same records (the outbound stage sends
/// a reply id once). The message itself goes on as any other: the conversation shows it.
public enum ConsentChange {
    /// The unknown field marking an outbound envelope as a consent confirmation: sent even to a customer who
    /// just opted out.
    public static let marker = "consent"
    /// Its value on a confirmation.
    public static let confirmation = "confirmation"

    /// The keyword an inbound text message is, if any.
    public static func match(_ envelope: Envelope) -> ConsentKeywords.Match? {
        guard envelope.direction == .inbound, envelope.kind == .message, case .text(let text)? = envelope.content
        else { return nil }
        return ConsentKeywords().match(text, channel: envelope.channel)
    }

    /// The request of an inbound keyword message customer-identification recognised (it marks the message
    /// with ``marker``), or nil.
    public static func keyword(of envelope: Envelope) -> ConsentKeywords.Request? {
        guard envelope.direction == .inbound, case .string(let value)? = envelope.unknownFields[marker] else {
            return nil
        }
        return ConsentKeywords.Request(rawValue: value)
    }

    /// Whether `envelope` is a consent confirmation.
    public static func isConfirmation(_ envelope: Envelope) -> Bool {
        envelope.unknownFields[marker] == .string(confirmation)
    }

    /// The event and the confirmation for `match` on `envelope` (identified: its customer id is set).
    public static func outputs(
        for envelope: Envelope, match: ConsentKeywords.Match, topics: TopicNames
    ) -> [StageOutput] {
        var reply = envelope.reply(
            content: .text(ConsentKeywords().confirmation(for: match)), sender: .system,
            stage: "consent-\(match.request.rawValue)", at: envelope.receivedAt)
        reply.unknownFields[marker] = .string(confirmation)
        let event = SwitchboardEvent(
            id: DerivedID.make(from: envelope.id, name: "consent-event"),
            type: match.request == .optOut ? .customerOptedOut : .customerOptedIn, tenantId: envelope.tenantId,
            customerId: envelope.customerId, traceId: envelope.traceId, occurredAt: envelope.receivedAt,
            details: ["channel": envelope.channel.rawValue, "source": "keyword", "language": match.language])
        return [
            .event(event, to: topics.events, key: envelope.partitionKey), .envelope(reply, to: topics.outbound),
        ]
    }
}
