import Foundation
import SwitchboardCore

/// Turns a WhatsApp webhook into envelopes: one per message (text, media, location, contacts, interactive
/// replies, reactions, unsupported types) and one per status, with ids derived from the `wamid`.
struct WhatsAppEnvelopeBuilder {
    let tenantId: String
    let receivedAt: Date
    /// The tenant's `WHATSAPP_PHONE_NUMBER_ID`: a change for another number is ignored and counted, never
    /// stored as this tenant's customer. Nil (not configured): every number is taken.
    var phoneNumberId: String? = nil

    func envelopes(_ payload: WhatsAppWebhookPayload) -> [Envelope] {
        var envelopes: [Envelope] = []
        var seen = Set<UUID>()
        for change in (payload.entry ?? []).flatMap({ $0.changes ?? [] }) {
            guard let value = change.value else { continue }
            if let phoneNumberId, value.metadata?.phone_number_id != phoneNumberId {
                ForeignAccount.ignored(channel: .whatsapp, tenantId: tenantId)
                continue
            }
            let built =
                (value.messages ?? []).compactMap(envelope(for:)) + (value.statuses ?? []).compactMap(envelope(for:))
            // A batch may repeat a message (Meta retries inside one POST); one envelope each.
            for envelope in built where seen.insert(envelope.id).inserted { envelopes.append(envelope) }
        }
        return envelopes
    }

    func envelope(for message: WhatsAppWebhookPayload.Message) -> Envelope? {
        guard let wamid = message.id, let from = message.from else { return nil }
        let id = ProviderEnvelopeID.make(channel: .whatsapp, tenantId: tenantId, wamid)
        var envelope = Envelope(
            id: id, tenantId: tenantId, channel: .whatsapp, direction: .inbound, channelMessageId: wamid,
            externalId: Self.address(from), channelTimestamp: Self.date(message.timestamp), receivedAt: receivedAt,
            traceId: ProviderEnvelopeID.traceId(for: id))
        envelope.conversationId = envelope.externalId
        envelope.provider = WhatsAppProvider.meta.rawValue
        switch message.type {
        case "text":
            envelope.content = .text(message.text?.body ?? "")
        case "image", "audio", "video", "document", "sticker":
            guard
                let media = [message.image, message.audio, message.video, message.document, message.sticker]
                    .compactMap({ $0 }).first, let mediaId = media.id
            else { return unsupported(envelope, message) }
            envelope.content = .media(
                Content.Media(
                    reference: mediaId, mimeType: media.mime_type ?? "application/octet-stream", caption: media.caption,
                    fileName: media.filename))
        case "location":
            guard let location = message.location, let latitude = location.latitude,
                let longitude = location.longitude
            else { return unsupported(envelope, message) }
            envelope.content = .location(
                Content.Location(
                    latitude: latitude, longitude: longitude, name: location.name, address: location.address))
        case "contacts":
            guard let contact = message.contacts?.first else { return unsupported(envelope, message) }
            let name =
                contact.name?.formatted_name
                ?? [contact.name?.first_name, contact.name?.last_name].compactMap { $0 }.joined(separator: " ")
            envelope.content = .contact(
                Content.Contact(
                    name: name, phones: (contact.phones ?? []).compactMap(\.phone),
                    emails: (contact.emails ?? []).compactMap(\.email)))
        case "interactive":
            guard let reply = message.interactive?.button_reply ?? message.interactive?.list_reply,
                let payload = reply.id
            else { return unsupported(envelope, message) }
            envelope.content = .interactive(Content.InteractiveReply(payload: payload, title: reply.title))
        case "button":
            guard let button = message.button, let payload = button.payload ?? button.text else {
                return unsupported(envelope, message)
            }
            envelope.content = .interactive(Content.InteractiveReply(payload: payload, title: button.text))
        case "reaction":
            envelope.kind = .reaction
            envelope.relatesTo = message.reaction?.message_id
            envelope.content = .text(message.reaction?.emoji ?? "")
        default:
            return unsupported(envelope, message)
        }
        return envelope
    }

    /// `kind: unsupported` with no content; the provider's error and type go to `unsupported` (a top-level
    /// key old readers keep) so an agent can see what was sent.
    private func unsupported(_ envelope: Envelope, _ message: WhatsAppWebhookPayload.Message) -> Envelope {
        var envelope = envelope
        envelope.kind = .unsupported
        envelope.content = nil
        var details: [String: JSONValue] = ["type": .string(message.unsupported?.type ?? message.type ?? "unknown")]
        if let error = message.errors?.first {
            details["error"] = .string(error.summary)
            if let code = error.code { details["code"] = .number(Double(code)) }
        }
        envelope.unknownFields["unsupported"] = .object(details)
        return envelope
    }

    func envelope(for status: WhatsAppWebhookPayload.Status) -> Envelope? {
        guard let wamid = status.id, let recipient = status.recipient_id,
            let state = status.status.flatMap(DeliveryStatus.State.init(rawValue:))
        else { return nil }
        let id = ProviderEnvelopeID.make(channel: .whatsapp, tenantId: tenantId, "status", wamid, state.rawValue)
        var envelope = Envelope(
            id: id, tenantId: tenantId, channel: .whatsapp, direction: .inbound, kind: .deliveryStatus,
            externalId: Self.address(recipient), channelTimestamp: Self.date(status.timestamp),
            receivedAt: receivedAt, traceId: ProviderEnvelopeID.traceId(for: id), relatesTo: wamid,
            deliveryStatus: DeliveryStatus(state: state, error: status.errors?.first?.summary))
        envelope.conversationId = envelope.externalId
        return envelope
    }

    /// WhatsApp ids are phone numbers without `+`; envelopes carry E.164 with `+`.
    static func address(_ waId: String) -> String {
        waId.hasPrefix("+") ? waId : "+" + waId
    }

    static func date(_ timestamp: String?) -> Date? {
        timestamp.flatMap(TimeInterval.init).flatMap(Date.init(epochSeconds:))
    }
}
