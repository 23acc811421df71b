import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

/// Issue #14: every parameter of a Twilio Messaging webhook survives into the envelope, typed where Switchboard
/// has a type, else verbatim under `channel_extensions` by its Twilio name. Payloads follow Twilio's *Messaging
/// webhooks* reference, "Inbound message parameters" with the WhatsApp additions
/// (twilio.com/docs/messaging/guides/webhook-request).
@Suite("Twilio inbound: every documented parameter survives")
struct TwilioInboundCompletenessTests {
    func parse(_ body: [UInt8]) throws -> [Envelope] {
        try TwilioEnvelopeBuilder().envelopes(
            form: TwilioForm(body: body), tenantId: "acme", traceId: "t", receivedAt: ProviderFixtures.receivedAt)
    }

    @Test func everyParameterOfAWhatsAppMessage() throws {
        let body = try InboundPayloads.bytes("twilio/whatsapp_every_parameter.form")
        let envelopes = try parse(body).map { try $0.roundTripped() }
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        #expect(envelope.channel == .whatsapp)
        #expect(envelope.externalId == "+16505551234")
        #expect(envelope.content == .text("Can I get a discount?"))
        #expect(envelope.relatesTo == "SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d")
        let typed: Set = ["From", "Body", "MessageSid", "OriginalRepliedMessageSid"]
        let form = TwilioForm(body: body)
        #expect(form.pairs.count == 38)
        for (name, value) in form.pairs {
            #expect(envelope.channelExtensions[name] == (typed.contains(name) ? nil : .string(value)), "\(name)")
        }
        #expect(envelope.channelExtensions.count == form.pairs.count - typed.count)
        for name in [
            "MessagingServiceSid", "NumMedia", "NumSegments", "ReferralNumMedia", "ProfileName", "WaId", "Forwarded",
            "FrequentlyForwarded", "OriginalRepliedMessageSender", "ReferralBody", "ReferralHeadline",
            "ReferralSourceId", "ReferralSourceType", "ReferralSourceUrl", "ReferralMediaId",
            "ReferralMediaContentType", "ReferralMediaUrl", "ReferralCtwaClid", "FromCity", "FromState", "FromZip",
            "FromCountry", "ToCity", "ToState", "ToZip", "ToCountry", "ApiVersion", "AccountSid", "SmsSid",
            "SmsMessageSid", "ChannelMetadata",
        ] {
            #expect(envelope.channelExtensions[name] != nil, "\(name)")
        }
    }

    @Test func aTappedButtonIsInteractive() throws {
        let envelope = try #require(try parse(try InboundPayloads.bytes("twilio/whatsapp_button.form")).first)
        #expect(envelope.content == .interactive(.init(payload: "TRACK_ORDER", title: "Track my order")))
        #expect(envelope.relatesTo == "SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d")
        for typed in ["ButtonPayload", "ButtonText", "Body", "From", "MessageSid"] {
            #expect(envelope.channelExtensions[typed] == nil, "\(typed)")
        }
        #expect(envelope.channelExtensions["MessageType"] == .string("button"))
        #expect(envelope.channelExtensions["ProfileName"] == .string("Sheena Nelson"))
    }

    /// The shared fixtures: an SMS's geography and a media message's count stay; typed media does not repeat.
    @Test func theSharedFixturesKeepTheirOtherParameters() throws {
        let sms = try #require(try parse(try ProviderFixtures.bytes("twilio/inbound_sms.form")).first)
        let smsForm = TwilioForm(body: try ProviderFixtures.bytes("twilio/inbound_sms.form"))
        for name in ["To", "ToCountry", "FromCountry"] where smsForm[name] != nil {
            #expect(sms.channelExtensions[name] == .string(smsForm[name] ?? ""), "\(name)")
        }
        #expect(sms.channelExtensions["Body"] == nil)

        let image = try #require(try parse(try ProviderFixtures.bytes("twilio/inbound_whatsapp_image.form")).first)
        guard case .media = image.content else {
            Issue.record("not media: \(String(describing: image.content))")
            return
        }
        #expect(image.channelExtensions["NumMedia"] == .string("1"))
        #expect(image.channelExtensions["MediaUrl0"] == nil)
        #expect(image.channelExtensions["MediaContentType0"] == nil)
    }

    @Test func valuesOutOfRangeBecomeUnsupportedWithTheReason() throws {
        let form = TwilioForm(body: try InboundPayloads.bytes("twilio/whatsapp_every_parameter.form"))
        func with(_ name: String, _ value: String) -> [UInt8] {
            TwilioForm.encode(form.pairs.map { ($0.name, $0.name == name ? value : $0.value) })
        }
        #expect(
            try parse(with("OriginalRepliedMessageSid", String(repeating: "S", count: 300))).first?.unsupportedReason()
                == "related message id is longer than 256 bytes")
        #expect(
            try parse(with("ReferralBody", String(repeating: "r", count: 65_537))).first?.unsupportedReason()
                == "channel field 'ReferralBody': a string is longer than 65536 bytes")
        #expect(
            try parse(with("ButtonPayload", "")).first?.unsupportedReason() == nil,
            "no payload: the body is the text")
    }
}
