import Foundation
import SwitchboardCore

/// Turns a Messenger webhook into envelopes: messages (text, attachments, quick replies, replies relating to
/// the message answered), postbacks, standalone referrals (as `unsupported`, the referral kept raw), and
/// delivery/read receipts as `delivery_status` envelopes. Ids derive from the `mid` (or, for events
/// without one, from the sender, timestamp and payload), so redeliveries map to the same envelope.
struct MessengerEnvelopeBuilder {
    let tenantId: String
    let receivedAt: Date
    /// The tenant's `MESSENGER_PAGE_ID`: an entry for another page is ignored and counted, never stored as
    /// this tenant's customer. Nil (not configured): every page is taken.
    var pageId: String? = nil

    /// The envelopes of `payload`. `raw` is the same body as JSON: what an event carries beyond the typed
    /// fields (`referral`, `recipient`, an attachment's other fields, ...) goes, verbatim, into its first
    /// envelope's ``Envelope/channelExtensions``.
    func envelopes(_ payload: MessengerWebhookPayload, raw: JSONValue? = nil) -> [Envelope] {
        var envelopes: [Envelope] = []
        var seen = Set<UUID>()
        for (entryIndex, entry) in (payload.entry ?? []).enumerated() {
            if let pageId, entry.id != pageId {
                ForeignAccount.ignored(channel: .messenger, tenantId: tenantId)
                continue
            }
            for (index, event) in (entry.messaging ?? []).enumerated() {
                var built = self.envelopes(for: event)
                if !built.isEmpty, built[0].kind != .deliveryStatus,
                    let rawEvent = raw?["entry", entryIndex]?["messaging", index]
                {
                    built[0].channelExtensions = rawEvent.remainder(without: Self.typedPaths(of: event, built[0]))
                }
                for envelope in built where seen.insert(envelope.id).inserted { envelopes.append(envelope) }
            }
        }
        return envelopes
    }

    /// The paths (in the event) of the values `envelope`, the event's first, holds typed.
    static func typedPaths(of event: MessengerWebhookPayload.Event, _ envelope: Envelope) -> [String] {
        var paths = ["sender.id", "timestamp"]
        if event.message != nil {
            paths += ["message.mid"]
            if envelope.relatesTo != nil { paths.append("message.reply_to.mid") }
            switch envelope.content {
            case .interactive: paths += ["message.quick_reply.payload", "message.text"]
            case .text: paths.append("message.text")
            case .media, .location:
                paths += [
                    "message.attachments.*.payload.url", "message.attachments.*.payload.coordinates.lat",
                    "message.attachments.*.payload.coordinates.long",
                ]
            default: break
            }
        } else if event.postback != nil {
            paths += ["postback.payload", "postback.title", "postback.mid"]
        }
        return paths
    }

    private func envelopes(for event: MessengerWebhookPayload.Event) -> [Envelope] {
        guard let psid = event.sender?.id else { return [] }
        let timestamp = Self.date(milliseconds: event.timestamp)
        if let message = event.message, message.is_echo != true, let mid = message.mid {
            var envelope = make(id: ProviderEnvelopeID.make(channel: .messenger, tenantId: tenantId, mid), psid)
            envelope.channelMessageId = mid
            envelope.channelTimestamp = timestamp
            // A reply relates to the message it answers.
            envelope.relatesTo = message.reply_to?.mid
            if let quickReply = message.quick_reply?.payload {
                envelope.content = .interactive(Content.InteractiveReply(payload: quickReply, title: message.text))
            } else if let text = message.text {
                envelope.content = .text(text)
            } else if let attachments = message.attachments, attachments.count > InboundValueCheck.maxMediaCount {
                return [
                    InboundValueCheck.unsupported(
                        envelope, reason: "more than \(InboundValueCheck.maxMediaCount) attachments",
                        type: "attachments")
                ]
            } else if let attachments = message.attachments, !attachments.isEmpty,
                case let contents = attachments.compactMap(Self.content), contents.count == attachments.count
            {
                // Several photos sent at once are one message with several attachments: one envelope each,
                // the first under the message's own id (as Twilio's media are).
                return contents.enumerated().map { index, content in
                    guard index > 0 else {
                        var first = envelope
                        first.content = content
                        return first
                    }
                    var part = make(
                        id: ProviderEnvelopeID.make(channel: .messenger, tenantId: tenantId, mid, String(index)), psid)
                    part.channelMessageId = "\(mid):\(index)"
                    part.traceId = envelope.traceId
                    part.channelTimestamp = timestamp
                    part.relatesTo = envelope.relatesTo
                    part.content = content
                    return part
                }
            } else {
                envelope.kind = .unsupported
                let types = (message.attachments ?? []).compactMap(\.type)
                envelope.unknownFields["unsupported"] = .object([
                    "type": .string(types.isEmpty ? "unknown" : types.joined(separator: ","))
                ])
            }
            return [envelope]
        }
        if let postback = event.postback, let payload = postback.payload {
            let id = ProviderEnvelopeID.make(
                channel: .messenger, tenantId: tenantId, postback.mid ?? "postback", psid,
                String(event.timestamp ?? 0), payload)
            var envelope = make(id: id, psid)
            envelope.channelMessageId = postback.mid
            envelope.channelTimestamp = timestamp
            envelope.content = .interactive(Content.InteractiveReply(payload: payload, title: postback.title))
            return [envelope]
        }
        if let delivery = event.delivery {
            return (delivery.mids ?? []).map { mid in
                var envelope = make(
                    id: ProviderEnvelopeID.make(channel: .messenger, tenantId: tenantId, "status", mid, "delivered"),
                    psid)
                envelope.kind = .deliveryStatus
                envelope.relatesTo = mid
                envelope.deliveryStatus = DeliveryStatus(state: .delivered)
                envelope.channelTimestamp = Self.date(milliseconds: delivery.watermark) ?? timestamp
                return envelope
            }
        }
        if let referral = event.referral, event.message == nil, event.postback == nil {
            // Nothing Switchboard has a type for: kept so the conversation shows it, the referral itself raw.
            var envelope = make(
                id: ProviderEnvelopeID.make(
                    channel: .messenger, tenantId: tenantId, "referral", psid, String(event.timestamp ?? 0),
                    referral.ref ?? "", referral.source ?? ""),
                psid)
            envelope.kind = .unsupported
            envelope.channelTimestamp = timestamp
            envelope.unknownFields["unsupported"] = .object(["type": .string("referral")])
            return [envelope]
        }
        if let read = event.read, let watermark = read.watermark {
            // A read receipt covers every message sent before the watermark; it names none of them.
            var envelope = make(
                id: ProviderEnvelopeID.make(channel: .messenger, tenantId: tenantId, "read", psid, String(watermark)),
                psid)
            envelope.kind = .deliveryStatus
            envelope.deliveryStatus = DeliveryStatus(state: .read)
            envelope.channelTimestamp = Self.date(milliseconds: watermark)
            return [envelope]
        }
        return []
    }

    private func make(id: UUID, _ psid: String) -> Envelope {
        var envelope = Envelope(
            id: id, tenantId: tenantId, channel: .messenger, direction: .inbound, externalId: psid,
            receivedAt: receivedAt, traceId: ProviderEnvelopeID.traceId(for: id))
        envelope.conversationId = psid
        return envelope
    }

    /// Media by URL (Messenger sends the attachment type, not a MIME type), or a shared location.
    static func content(_ attachment: MessengerWebhookPayload.Attachment) -> Content? {
        if let coordinates = attachment.payload?.coordinates, let latitude = coordinates.lat,
            let longitude = coordinates.long
        {
            return .location(Content.Location(latitude: latitude, longitude: longitude))
        }
        guard let url = attachment.payload?.url else { return nil }
        let mimeType =
            switch attachment.type {
            case "image": "image/*"
            case "video": "video/*"
            case "audio": "audio/*"
            default: "application/octet-stream"
            }
        return .media(Content.Media(reference: url, mimeType: mimeType))
    }

    static func date(milliseconds: Int64?) -> Date? {
        milliseconds.flatMap { Date(epochSeconds: Double($0) / 1000) }
    }
}
