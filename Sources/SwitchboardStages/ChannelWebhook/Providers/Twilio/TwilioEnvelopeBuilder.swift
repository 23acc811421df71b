public import Foundation
public import SwitchboardCore

/// Turns one Twilio Messaging webhook (inbound message or status callback) into envelopes. Pure.
///
/// `whatsapp:` addresses make `.whatsapp` envelopes (the prefix is dropped from the external id), others
/// `.sms`. Envelope ids derive from the `MessageSid` (and the status), so redeliveries are harmless.
public struct TwilioEnvelopeBuilder: Sendable {
    /// Namespace of Twilio envelope ids. Never change it.
    public static let namespace = UUID(uuidString: "a4d2c6e8-1b3f-4d5a-8c7e-9f0b1a2c3d4e")!

    public init() {}

    public func envelopes(
        form: TwilioForm, tenantId: String, traceId: String, receivedAt: Date
    ) throws(ChannelHTTPError) -> [Envelope] {
        guard let sid = form["MessageSid"] ?? form["SmsSid"], !sid.isEmpty else {
            throw ChannelHTTPError(.badRequest, "MessageSid is missing")
        }
        let status = (form["MessageStatus"] ?? form["SmsStatus"])?.lowercased()
        if let status, status != "received", status != "receiving" {
            return statusEnvelopes(
                status: status, sid: sid, form: form, tenantId: tenantId, traceId: traceId,
                receivedAt: receivedAt)
        }
        guard let from = form["From"], !from.isEmpty else { throw ChannelHTTPError(.badRequest, "From is missing") }
        var envelopes = try messageEnvelopes(
            form: form, sid: sid, from: from, tenantId: tenantId, traceId: traceId, receivedAt: receivedAt)
        // Every parameter not typed, verbatim (Twilio sends no secret in a webhook), on the message's first
        // envelope: `To`, `AccountSid`, `MessagingServiceSid`, `NumMedia`, `NumSegments`, `ProfileName`, `WaId`,
        // `Forwarded`, the `Referral*` ad attribution, the `From*`/`To*` geography, `ChannelMetadata`, ...
        let typed = Self.typedParameters(of: envelopes, form: form)
        var extensions: [String: JSONValue] = [:]
        for pair in form.pairs where !typed.contains(pair.name) && extensions[pair.name] == nil {
            extensions[pair.name] = .string(pair.value)
        }
        envelopes[0].channelExtensions = extensions
        return envelopes
    }

    /// The parameters whose values `envelopes` hold typed: the sender, the message sid, the body where it is the
    /// text, caption or button title, each media part's URL and type, a location's fields, a button's payload,
    /// and the message answered.
    static func typedParameters(of envelopes: [Envelope], form: TwilioForm) -> Set<String> {
        var typed: Set<String> = ["From", "MessageSid"]
        if envelopes[0].relatesTo != nil { typed.insert("OriginalRepliedMessageSid") }
        for envelope in envelopes {
            switch envelope.content {
            case .media(let media):
                if let index = (0..<InboundValueCheck.maxMediaCount).first(where: {
                    form["MediaUrl\($0)"] == media.reference
                }) {
                    typed.formUnion(["MediaUrl\(index)", "MediaContentType\(index)"])
                }
                if media.caption != nil { typed.insert("Body") }
            case .location: typed.formUnion(["Latitude", "Longitude", "Label", "Address"])
            case .interactive(let reply):
                typed.formUnion(["ButtonPayload", "ButtonText"])
                if reply.title == form["Body"] { typed.insert("Body") }
            case .text: typed.insert("Body")
            default: break
            }
        }
        return typed
    }

    private func messageEnvelopes(
        form: TwilioForm, sid: String, from: String, tenantId: String, traceId: String, receivedAt: Date
    ) throws(ChannelHTTPError) -> [Envelope] {
        let (channel, externalId) = Self.address(from)
        func make(_ index: Int, content: Content?) -> Envelope {
            let messageId = index == 0 ? sid : "\(sid):\(index)"
            var envelope = Envelope(
                id: Self.envelopeId(tenantId: tenantId, name: "message|\(messageId)"), tenantId: tenantId,
                channel: channel, direction: .inbound, kind: content == nil ? .unsupported : .message,
                channelMessageId: messageId, externalId: externalId, content: content, receivedAt: receivedAt,
                traceId: traceId)
            envelope.conversationId = externalId
            // Replies go back through Twilio, also where the tenant's WhatsApp is otherwise on Meta.
            envelope.provider = WhatsAppProvider.twilio.rawValue
            // A WhatsApp reply relates to the message it answers.
            envelope.relatesTo = form["OriginalRepliedMessageSid"].flatMap { $0.isEmpty ? nil : $0 }
            return envelope
        }
        let body = form["Body"] ?? ""
        // Twilio sends 0 to 10; any other count (negative, huge, not a number) is out of range.
        var mediaCount = 0
        if let text = form["NumMedia"], !text.isEmpty {
            let maximum = InboundValueCheck.maxMediaCount
            guard let count = Int(text), InboundValueCheck.countProblem(count, "NumMedia", maximum: maximum) == nil
            else {
                let reason = "NumMedia is out of range (0 to \(maximum))"
                return [InboundValueCheck.unsupported(make(0, content: nil), reason: reason, type: "media")]
            }
            mediaCount = count
        }
        let media: [Content] = (0..<mediaCount).compactMap { index in
            guard let url = form["MediaUrl\(index)"], !url.isEmpty else { return nil }
            return .media(
                .init(
                    reference: url, mimeType: form["MediaContentType\(index)"] ?? "application/octet-stream",
                    caption: index == 0 && !body.isEmpty ? body : nil))
        }
        if !media.isEmpty { return media.enumerated().map { make($0.offset, content: $0.element) } }
        if let payload = form["ButtonPayload"], !payload.isEmpty {
            // A WhatsApp quick-reply button tapped: its payload, and the text it showed.
            let title = form["ButtonText"].flatMap { $0.isEmpty ? nil : $0 } ?? (body.isEmpty ? nil : body)
            return [make(0, content: .interactive(.init(payload: payload, title: title)))]
        }
        if form["Latitude"]?.isEmpty == false || form["Longitude"]?.isEmpty == false {
            // Ranges are checked with every other channel's (InboundValueCheck); here only that they are numbers.
            guard let latitude = form["Latitude"].flatMap(Double.init),
                let longitude = form["Longitude"].flatMap(Double.init)
            else {
                let reason = "latitude or longitude is not a number"
                return [InboundValueCheck.unsupported(make(0, content: nil), reason: reason, type: "location")]
            }
            let location = Content.Location(
                latitude: latitude, longitude: longitude, name: form["Label"], address: form["Address"])
            return [make(0, content: .location(location))]
        }
        return [make(0, content: body.isEmpty ? nil : .text(body))]
    }

    private func statusEnvelopes(
        status: String, sid: String, form: TwilioForm, tenantId: String, traceId: String, receivedAt: Date
    ) -> [Envelope] {
        let state: DeliveryStatus.State
        switch status {
        case "sent": state = .sent
        case "delivered": state = .delivered
        case "read": state = .read
        case "failed", "undelivered", "canceled": state = .failed
        default: return []  // queued, accepting, sending, scheduled: nothing a customer would see yet
        }
        // The customer is the message's recipient; Twilio's minimal callbacks name only our own number.
        let recipient = [form["To"], form["ChannelToAddress"], form["From"]].compactMap { $0 }.first { !$0.isEmpty }
        let (channel, externalId) = Self.address(recipient ?? sid)
        let error = form["ErrorCode"].flatMap { $0.isEmpty ? nil : $0 }
        var envelope = Envelope(
            id: Self.envelopeId(tenantId: tenantId, name: "status|\(sid)|\(status)"), tenantId: tenantId,
            channel: form["ChannelPrefix"] == "whatsapp" ? .whatsapp : channel, direction: .inbound,
            kind: .deliveryStatus, externalId: externalId, receivedAt: receivedAt, traceId: traceId, relatesTo: sid,
            deliveryStatus: DeliveryStatus(state: state, error: error))
        envelope.conversationId = externalId
        return [envelope]
    }

    /// The channel and external id of a Twilio address (`whatsapp:+31…` or `+1…`).
    public static func address(_ address: String) -> (Channel, String) {
        address.hasPrefix("whatsapp:") ? (.whatsapp, String(address.dropFirst("whatsapp:".count))) : (.sms, address)
    }

    public static func envelopeId(tenantId: String, name: String) -> UUID {
        DerivedID.make(from: namespace, parts: ["twilio", tenantId, name])
    }
}
