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

    /// The envelopes of `payload`. `raw` is the same body as JSON: what the vendor sent beyond the typed
    /// fields goes into each message's ``Envelope/channelExtensions``.
    func envelopes(_ payload: WhatsAppWebhookPayload, raw: JSONValue? = nil) -> [Envelope] {
        var envelopes: [Envelope] = []
        var seen = Set<UUID>()
        for (entryIndex, entry) in (payload.entry ?? []).enumerated() {
            for (changeIndex, change) in (entry.changes ?? []).enumerated() {
                guard let value = change.value else { continue }
                if let phoneNumberId, value.metadata?.phone_number_id != phoneNumberId {
                    ForeignAccount.ignored(channel: .whatsapp, tenantId: tenantId)
                    continue
                }
                let rawValue = raw?["entry", entryIndex]?["changes", changeIndex]?[path: "value"]
                let messages = (value.messages ?? []).enumerated().compactMap { index, message in
                    envelope(for: message, raw: rawValue?["messages", index], value: value, rawValue: rawValue)
                }
                let built = messages + (value.statuses ?? []).compactMap(envelope(for:))
                // A batch may repeat a message (Meta retries inside one POST); one envelope each.
                for envelope in built where seen.insert(envelope.id).inserted { envelopes.append(envelope) }
            }
        }
        return envelopes
    }

    /// The message's envelope with the fields it has no type for under ``Envelope/channelExtensions``: the
    /// message block without its typed leaves (`referral`, `context` besides its `id`, `errors`, `identity`,
    /// `system`, an unknown type's own block, ...) and, under `value`, the change's `metadata`,
    /// `messaging_product` and the sender's own `contacts` entry (its `profile.name`); other senders' entries
    /// of a batch are left out.
    func envelope(
        for message: WhatsAppWebhookPayload.Message, raw: JSONValue? = nil, value: WhatsAppWebhookPayload.Value? = nil,
        rawValue: JSONValue? = nil
    ) -> Envelope? {
        guard let built = typedEnvelope(for: message) else { return nil }
        var envelope = built.0
        let typed = built.1
        var extensions = raw?.remainder(without: typed) ?? [:]
        var valueFields = rawValue?.remainder(without: ["messages", "statuses", "contacts"]) ?? [:]
        if let contacts = value?.contacts, let from = message.from {
            let own = contacts.indices.filter { contacts[$0].wa_id == from || (contacts.count == 1 && $0 == 0) }
                .compactMap { rawValue?["contacts", $0] }
            if !own.isEmpty { valueFields["contacts"] = .array(own) }
        }
        if !valueFields.isEmpty { extensions["value"] = .object(valueFields) }
        envelope.channelExtensions = extensions
        return envelope
    }

    /// The envelope with its typed fields, and the paths (in the message block) of the values typed.
    private func typedEnvelope(for message: WhatsAppWebhookPayload.Message) -> (Envelope, [String])? {
        guard let wamid = message.id, let from = message.from else { return nil }
        let id = ProviderEnvelopeID.make(channel: .whatsapp, tenantId: tenantId, wamid)
        var envelope = Envelope(
            id: id, tenantId: tenantId, channel: .whatsapp, direction: .inbound, channelMessageId: wamid,
            externalId: Self.address(from), channelTimestamp: Self.date(message.timestamp), receivedAt: receivedAt,
            traceId: ProviderEnvelopeID.traceId(for: id))
        envelope.conversationId = envelope.externalId
        envelope.provider = WhatsAppProvider.meta.rawValue
        var typed = ["from", "id", "timestamp"]
        // The message answered (a reply, a button tapped on one of ours); a reaction relates to its own target.
        if message.type != "reaction", let context = message.context?.id {
            envelope.relatesTo = context
            typed.append("context.id")
        }
        switch message.type {
        case "text":
            envelope.content = .text(message.text?.body ?? "")
            typed.append("text.body")
        case "image", "audio", "video", "document", "sticker":
            let blocks: [(WhatsAppWebhookPayload.Media?, String)] = [
                (message.image, "image"), (message.audio, "audio"), (message.video, "video"),
                (message.document, "document"), (message.sticker, "sticker"),
            ]
            guard let index = blocks.firstIndex(where: { $0.0 != nil }), let media = blocks[index].0,
                let mediaId = media.id
            else { return (unsupported(envelope, message), typed) }
            let key = blocks[index].1
            envelope.content = .media(
                Content.Media(
                    reference: mediaId, mimeType: media.mime_type ?? "application/octet-stream", caption: media.caption,
                    fileName: media.filename))
            typed += ["id", "mime_type", "caption", "filename"].map { "\(key).\($0)" }
        case "location":
            guard let location = message.location, let latitude = location.latitude,
                let longitude = location.longitude
            else { return (unsupported(envelope, message), typed) }
            envelope.content = .location(
                Content.Location(
                    latitude: latitude, longitude: longitude, name: location.name, address: location.address))
            typed += ["latitude", "longitude", "name", "address"].map { "location.\($0)" }
        case "contacts":
            // The cards stay whole under `contacts` as well: addresses, organisations, further cards.
            guard let contact = message.contacts?.first else { return (unsupported(envelope, message), typed) }
            let name =
                contact.name?.formatted_name
                ?? [contact.name?.first_name, contact.name?.last_name].compactMap { $0 }.joined(separator: " ")
            envelope.content = .contact(
                Content.Contact(
                    name: name, phones: (contact.phones ?? []).compactMap(\.phone),
                    emails: (contact.emails ?? []).compactMap(\.email)))
        case "interactive":
            let replies = [
                ("button_reply", message.interactive?.button_reply), ("list_reply", message.interactive?.list_reply),
            ]
            guard let index = replies.firstIndex(where: { $0.1 != nil }), let reply = replies[index].1,
                let payload = reply.id
            else { return (unsupported(envelope, message), typed) }
            let key = replies[index].0
            envelope.content = .interactive(
                Content.InteractiveReply(payload: payload, title: reply.title, description: reply.description))
            typed += ["id", "title", "description"].map { "interactive.\(key).\($0)" }
        case "button":
            guard let button = message.button, let payload = button.payload ?? button.text else {
                return (unsupported(envelope, message), typed)
            }
            envelope.content = .interactive(Content.InteractiveReply(payload: payload, title: button.text))
            typed += ["button.payload", "button.text"]
        case "reaction":
            envelope.kind = .reaction
            envelope.relatesTo = message.reaction?.message_id
            envelope.content = .text(message.reaction?.emoji ?? "")
            typed += ["reaction.message_id", "reaction.emoji"]
        default:
            return (unsupported(envelope, message), typed)
        }
        // The vendor's type is the content's, except a sticker's (shown as media).
        if message.type != "sticker" { typed.append("type") }
        return (envelope, typed)
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
