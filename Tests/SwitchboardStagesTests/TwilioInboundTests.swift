import Foundation
import HTTPTypes
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The shared Twilio fixtures, read as they are.
enum TwilioFixture {
    static let directory = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["SWITCHBOARD_CHANNEL_FIXTURES"]
            ?? TestStack.channelFixtures.path)

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent("twilio/\(name)")))
    }

    static func json(_ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes(name))) as? [String: Any])
    }
}

@Suite("Twilio inbound webhooks")
struct TwilioInboundTests {
    let receivedAt = Date(timeIntervalSince1970: 1_700_000_000)

    func one(_ fixture: String) throws -> Envelope {
        let all = try TwilioEnvelopeBuilder().envelopes(
            form: TwilioForm(body: try TwilioFixture.bytes(fixture)), tenantId: "acme", traceId: "trace-1",
            receivedAt: receivedAt)
        #expect(all.count == 1)
        return try #require(all.first)
    }

    @Test func docsSignatureExampleVerifiesAndFailsWithOneChangedByte() throws {
        let example = try TwilioFixture.json("signature_docs_example.json")
        let token = try #require(example["auth_token"] as? String)
        let url = try #require(example["url"] as? String)
        let params = try #require(example["post_params"] as? [String: String])
        let expected = try #require(example["expected_header_value"] as? String)
        let form = TwilioForm(pairs: params.map { ($0.key, $0.value) })
        #expect(
            String(decoding: TwilioSignature.stringToSign(url: url, form: form), as: UTF8.self)
                == example["string_to_sign"] as? String)
        #expect(TwilioSignature.expected(authToken: token, url: url, form: form) == expected)

        // The same through the adapter, over the derived raw body, with the public URL as a tenant credential.
        let body = Array(try #require(example["body_form_derived"] as? String).utf8)
        let adapter = TwilioAdapter(
            secrets: TenantSecrets(
                tenantIds: ["acme"],
                environment: [
                    "SWITCHBOARD_TENANT_ACME_TWILIO_AUTH_TOKEN": token,
                    "SWITCHBOARD_TENANT_ACME_TWILIO_PUBLIC_URL": url,
                ]))
        let headerName = try #require(example["header_name"] as? String)
        let name = try #require(HTTPField.Name(headerName))
        try adapter.verify(headers: [name: expected], body: body, tenantId: "acme")

        for index in body.indices {
            var changed = body
            changed[index] ^= 0x01
            #expect(throws: ChannelHTTPError.self) {
                try adapter.verify(headers: [name: expected], body: changed, tenantId: "acme")
            }
        }
        var header = Array(expected.utf8)
        header[0] = UInt8(ascii: "M")
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(headers: [name: String(decoding: header, as: UTF8.self)], body: body, tenantId: "acme")
        }
        #expect(throws: ChannelHTTPError.self) { try adapter.verify(headers: [:], body: body, tenantId: "acme") }
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(headers: [name: expected], body: body, tenantId: "other")
        }
    }

    @Test func publicBaseURLPlusRoutePath() throws {
        let body = try TwilioFixture.bytes("inbound_sms.form")
        let adapter = TwilioAdapter(
            secrets: TenantSecrets(
                tenantIds: ["acme"], environment: ["SWITCHBOARD_TENANT_ACME_TWILIO_AUTH_TOKEN": "tok"]),
            providers: ProviderConfiguration(testing: [
                "SWITCHBOARD_TWILIO_PUBLIC_BASE_URL": "https://hooks.example.com:8443/"
            ]))
        #expect(adapter.publicURL(tenantId: "acme") == "https://hooks.example.com:8443/webhooks/sms/acme")
        let signature = TwilioSignature.expected(
            authToken: "tok", url: "https://hooks.example.com:8443/webhooks/sms/acme", form: TwilioForm(body: body))
        try adapter.verify(headers: [HTTPField.Name("X-Twilio-Signature")!: signature], body: body, tenantId: "acme")
        let wrongURL = TwilioSignature.expected(
            authToken: "tok", url: "http://127.0.0.1:8080/webhooks/sms/acme", form: TwilioForm(body: body))
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(headers: [HTTPField.Name("X-Twilio-Signature")!: wrongURL], body: body, tenantId: "acme")
        }
    }

    @Test func formDecodingKeepsExactBytes() {
        let form = TwilioForm(body: Array("a=1+2&b=%2B1%20x&c=&d&e=%E2%9C%93&f=100%&a=3".utf8))
        #expect(form.pairs.map(\.name) == ["a", "b", "c", "d", "e", "f", "a"])
        #expect(form["a"] == "1 2")
        #expect(form["b"] == "+1 x")
        #expect(form["c"] == "")
        #expect(form["d"] == "")
        #expect(form["e"] == "✓")
        #expect(form["f"] == "100%")
        #expect(TwilioForm(body: TwilioForm.encode(form.pairs)) == form)
    }

    @Test func inboundSMS() throws {
        let envelope = try one("inbound_sms.form")
        #expect(
            envelope.id
                == TwilioEnvelopeBuilder.envelopeId(
                    tenantId: "acme", name: "message|SMe287d7109a5a925f182f0e07fe5b223b"))
        #expect(envelope.tenantId == "acme")
        #expect(envelope.channel == .sms)
        #expect(envelope.direction == .inbound)
        #expect(envelope.kind == .message)
        #expect(envelope.channelMessageId == "SMe287d7109a5a925f182f0e07fe5b223b")
        #expect(envelope.externalId == "+14133881111")
        #expect(envelope.conversationId == "+14133881111")
        #expect(envelope.content == .text("Msg"))
        #expect(envelope.receivedAt == receivedAt)
        #expect(envelope.traceId == "trace-1")
        #expect(envelope.relatesTo == nil)
        #expect(envelope.deliveryStatus == nil)
    }

    @Test func inboundWhatsAppText() throws {
        let envelope = try one("inbound_whatsapp_text.form")
        #expect(envelope.channel == .whatsapp)
        #expect(envelope.kind == .message)
        #expect(envelope.channelMessageId == "SM892512e202b34d4109b10a3893fa9640")
        #expect(envelope.externalId == "+31612345678")
        #expect(envelope.content == .text("test"))
    }

    @Test func inboundWhatsAppImageWithEmptyBody() throws {
        let envelope = try one("inbound_whatsapp_image.form")
        #expect(envelope.channel == .whatsapp)
        #expect(envelope.kind == .message)
        #expect(envelope.channelMessageId == "MM21151abfaadc1fb79b782f8460862a52")
        #expect(envelope.externalId == "+31612345678")
        #expect(
            envelope.content
                == .media(
                    .init(
                        reference:
                            "https://api.twilio.com/2010-04-01/Accounts/AC1a03647d811fab342c0ad608e382fab2/Messages/MM21151abfaadc1fb79b782f8460862a52/Media/ME5f0afa2336bd0f73ca553fb5a2e3150bc",
                        mimeType: "image/jpeg")))
    }

    @Test func locationAndSeveralMedia() throws {
        let location = TwilioForm(
            body: Array(
                "MessageSid=SM1&From=whatsapp%3A%2B4915&Body=&Latitude=52.52&Longitude=13.405&Label=Office&Address=Berlin"
                    .utf8))
        let envelopes = try TwilioEnvelopeBuilder().envelopes(
            form: location, tenantId: "acme", traceId: "t", receivedAt: receivedAt)
        #expect(
            envelopes.first?.content
                == .location(.init(latitude: 52.52, longitude: 13.405, name: "Office", address: "Berlin")))
        let media = TwilioForm(
            body: Array(
                "MessageSid=MM2&From=%2B1555&Body=two&NumMedia=2&MediaUrl0=https%3A%2F%2Fa&MediaContentType0=image%2Fpng&MediaUrl1=https%3A%2F%2Fb&MediaContentType1=application%2Fpdf"
                    .utf8))
        let both = try TwilioEnvelopeBuilder().envelopes(
            form: media, tenantId: "acme", traceId: "t", receivedAt: receivedAt)
        #expect(both.map(\.channelMessageId) == ["MM2", "MM2:1"])
        #expect(
            both.map(\.content) == [
                .media(.init(reference: "https://a", mimeType: "image/png", caption: "two")),
                .media(.init(reference: "https://b", mimeType: "application/pdf")),
            ])
        #expect(Set(both.map(\.id)).count == 2)
    }

    @Test func statusCallbackSMSSentFromTheDocs() throws {
        let envelope = try one("status_callback_sms_sent_docs.form")
        #expect(envelope.kind == .deliveryStatus)
        #expect(envelope.channel == .sms)
        #expect(envelope.direction == .inbound)
        #expect(envelope.deliveryStatus == DeliveryStatus(state: .sent))
        #expect(envelope.relatesTo == "SM1342fe1b2c904d1ab04f0fc7a58abca9")
        #expect(envelope.channelMessageId == nil)
        #expect(envelope.content == nil)
        // The minimal callback names only the sending number.
        #expect(envelope.externalId == "+15017250604")
        #expect(
            envelope.id
                == TwilioEnvelopeBuilder.envelopeId(
                    tenantId: "acme", name: "status|SM1342fe1b2c904d1ab04f0fc7a58abca9|sent"))
    }

    @Test func statusCallbacksWhatsApp() throws {
        let sent = try one("status_callback_whatsapp_sent.form")
        #expect(sent.kind == .deliveryStatus)
        #expect(sent.channel == .whatsapp)
        #expect(sent.deliveryStatus == DeliveryStatus(state: .sent))
        #expect(sent.relatesTo == "SM0cec4ed334e74bcbb64eb8b6684e9654")
        #expect(sent.externalId == "+31612345678")
        let delivered = try one("status_callback_whatsapp_delivered.form")
        #expect(delivered.kind == .deliveryStatus)
        #expect(delivered.channel == .whatsapp)
        #expect(delivered.deliveryStatus == DeliveryStatus(state: .delivered))
        #expect(delivered.relatesTo == "SMdf55df64a2ff4920bb0748193cfbb640")
        #expect(delivered.externalId == "+31612345678")
    }

    @Test func failedAndUndeliveredCarryTheErrorCode() throws {
        for status in ["failed", "undelivered"] {
            let form = TwilioForm(
                body: Array("MessageSid=SM9&MessageStatus=\(status)&ErrorCode=30003&To=%2B1555&From=%2B1666".utf8))
            let envelope = try #require(
                try TwilioEnvelopeBuilder().envelopes(
                    form: form, tenantId: "acme", traceId: "t", receivedAt: receivedAt
                ).first)
            #expect(envelope.deliveryStatus == DeliveryStatus(state: .failed, error: "30003"))
            #expect(envelope.externalId == "+1555")
        }
        let queued = TwilioForm(body: Array("MessageSid=SM9&MessageStatus=queued&To=%2B1555".utf8))
        #expect(
            try TwilioEnvelopeBuilder().envelopes(form: queued, tenantId: "acme", traceId: "t", receivedAt: receivedAt)
                .isEmpty)
        #expect(throws: ChannelHTTPError.self) {
            try TwilioEnvelopeBuilder().envelopes(
                form: TwilioForm(body: Array("Body=x".utf8)), tenantId: "acme", traceId: "t", receivedAt: receivedAt)
        }
    }

    @Test func sendRequestFixtureDecodes() throws {
        let form = TwilioForm(body: try TwilioFixture.bytes("send_message_request.form"))
        #expect(form["From"] == "+15557122661")
        #expect(form["Body"] == "Hi there")
        #expect(form["To"] == "+15558675310")
    }
}
