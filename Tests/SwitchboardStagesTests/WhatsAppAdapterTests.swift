import Foundation
import HTTPTypes
import SwitchboardCore
import SwitchboardStages
import Testing

@Suite("WhatsApp webhooks: fixtures parsed as is")
struct WhatsAppParseTests {
    let adapter = WhatsAppAdapter(
        secrets: ProviderFixtures.secrets([
            "WHATSAPP_APP_SECRET": ProviderFixtures.metaAppSecret, "WHATSAPP_VERIFY_TOKEN": "vibecoding",
        ]),
        configuration: ProviderConfiguration(testing: [:]))

    func parse(_ fixture: String) throws -> [Envelope] {
        try adapter.parse(
            body: try ProviderFixtures.bytes("whatsapp/\(fixture)"), headers: [:], tenantId: "acme",
            receivedAt: ProviderFixtures.receivedAt, ids: UUIDv7Generator())
    }

    func expectedId(_ parts: String...) -> UUID {
        DerivedID.make(from: ProviderEnvelopeID.namespace, parts: ["whatsapp", "acme"] + parts)
    }

    func expectCommon(
        _ envelope: Envelope, wamid: String, from: String, timestamp: TimeInterval, relatesTo: String? = nil
    ) {
        #expect(envelope.id == expectedId(wamid))
        #expect(envelope.tenantId == "acme")
        #expect(envelope.channel == .whatsapp)
        #expect(envelope.direction == .inbound)
        #expect(envelope.channelMessageId == wamid)
        #expect(envelope.externalId == from)
        #expect(envelope.conversationId == from)
        #expect(envelope.channelTimestamp == Date(timeIntervalSince1970: timestamp))
        #expect(envelope.receivedAt == ProviderFixtures.receivedAt)
        #expect(envelope.traceId == envelope.id.uuidString.lowercased().replacingOccurrences(of: "-", with: ""))
        #expect(envelope.relatesTo == relatesTo || envelope.kind == .reaction)
    }

    @Test func text() throws {
        let envelopes = try parse("text.json")
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        expectCommon(
            envelope, wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", from: "+16505551234",
            timestamp: 1_749_416_383)
        #expect(envelope.kind == .message)
        #expect(envelope.content == .text("Does it come in another color?"))
        #expect(envelope.deliveryStatus == nil)
    }

    @Test func imageWithCaption() throws {
        let envelope = try #require(try parse("image.json").first)
        expectCommon(
            envelope, wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", from: "+16505551234",
            timestamp: 1_744_344_496)
        #expect(envelope.kind == .message)
        #expect(
            envelope.content
                == .media(Content.Media(reference: "1003383421387256", mimeType: "image/jpeg", caption: "Taj Mahal")))
    }

    @Test func location() throws {
        let envelope = try #require(try parse("location.json").first)
        expectCommon(
            envelope, wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", from: "+16505551234",
            timestamp: 1_744_344_496)
        #expect(
            envelope.content
                == .location(
                    Content.Location(
                        latitude: 37.44221496582, longitude: -122.16165924072, name: "Philz Coffee",
                        address: "101 Forest Ave, Palo Alto, CA 94301")))
    }

    @Test func interactiveButtonReply() throws {
        let envelope = try #require(try parse("interactive_button_reply.json").first)
        expectCommon(
            envelope, wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=", from: "+16505551234",
            timestamp: 1_750_025_136, relatesTo: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA")
        #expect(envelope.kind == .message)
        #expect(envelope.content == .interactive(Content.InteractiveReply(payload: "cancel-button", title: "Cancel")))
    }

    @Test func reactionWithAnEscapedEmoji() throws {
        let envelopes = try parse("reaction_emoji.json")
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        expectCommon(envelope, wamid: "wamid.xyzxyz", from: "+972987654321", timestamp: 1_697_044_456)
        #expect(envelope.kind == .reaction)
        #expect(envelope.relatesTo == "wamid.yzxyzx=")
        #expect(envelope.content == .text("\u{1F62E}"))
    }

    @Test func unsupportedTypeIsAnEnvelopeNotAnError() throws {
        let envelope = try #require(try parse("unsupported_type.json").first)
        expectCommon(
            envelope, wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", from: "+16505551234",
            timestamp: 1_750_090_702)
        #expect(envelope.kind == .unsupported)
        #expect(envelope.content == nil)
        #expect(
            envelope.unknownFields["unsupported"]
                == .object([
                    "type": .string("edit"),
                    "error": .string("131051 Message type unknown: Message type is currently not supported."),
                    "code": .number(131051),
                ]))
    }

    @Test func batchWithARepeatedIdIsOneEnvelope() throws {
        let envelopes = try parse("batch_two_messages_same_id.json")
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        expectCommon(envelope, wamid: "external_id", from: "+5678", timestamp: 1_454_119_029)
        #expect(envelope.content == .text("Hello World"))
    }

    @Test func signedTextBody() throws {
        let envelope = try #require(try parse("signed_text.body.json").first)
        expectCommon(
            envelope, wamid: "wamid.HBgMOTcyNTQ0NDAxMjQzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA",
            from: "+972544401243", timestamp: 1_730_231_903)
        #expect(envelope.content == .text("Hey there! I am using PyWa."))
    }

    struct StatusCase: Sendable {
        var fixture: String
        var wamid: String
        var state: DeliveryStatus.State
        var recipient: String
        var timestamp: Double
        var error: String?
    }

    static let statusCases: [StatusCase] = [
        StatusCase(
            fixture: "status_sent.json", wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
            state: .sent, recipient: "+16505551234", timestamp: 1_750_030_073, error: nil),
        StatusCase(
            fixture: "status_delivered.json", wamid: "wamid.xyzxyz", state: .delivered, recipient: "+972987654321",
            timestamp: 0, error: nil),
        StatusCase(
            fixture: "status_read.json", wamid: "wamid.xyzxyz", state: .read, recipient: "+972987654321",
            timestamp: 1_689_380_458, error: nil),
        StatusCase(
            fixture: "status_failed.json", wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA",
            state: .failed, recipient: "+16505551234", timestamp: 1_751_142_888,
            error:
                "131049 This message was not delivered to maintain healthy ecosystem engagement.: In order to maintain a healthy ecosystem engagement, the message failed to be delivered."
        ),
    ]

    @Test(arguments: statusCases)
    func statuses(_ testCase: StatusCase) throws {
        let (fixture, wamid, state, recipient, timestamp, error) = (
            testCase.fixture, testCase.wamid, testCase.state, testCase.recipient, testCase.timestamp, testCase.error
        )
        let envelopes = try parse(fixture)
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        #expect(envelope.id == expectedId("status", wamid, state.rawValue))
        #expect(envelope.kind == .deliveryStatus)
        #expect(envelope.direction == .inbound)
        #expect(envelope.relatesTo == wamid)
        #expect(envelope.channelMessageId == nil)
        #expect(envelope.externalId == recipient)
        #expect(envelope.content == nil)
        #expect(envelope.deliveryStatus == DeliveryStatus(state: state, error: error))
        if timestamp > 0 { #expect(envelope.channelTimestamp == Date(timeIntervalSince1970: timestamp)) }
    }

    @Test func statusDeliveredTimestampMatchesTheFixture() throws {
        let raw = try ProviderFixtures.json("whatsapp/status_delivered.json")
        let entry = try #require((raw["entry"] as? [[String: Any]])?.first)
        let change = try #require((entry["changes"] as? [[String: Any]])?.first)
        let status = try #require(((change["value"] as? [String: Any])?["statuses"] as? [[String: Any]])?.first)
        let text = try #require(status["timestamp"] as? String)
        let timestamp = try #require(Double(text))
        let envelope = try #require(try parse("status_delivered.json").first)
        #expect(envelope.channelTimestamp == Date(timeIntervalSince1970: timestamp))
    }

    @Test func redeliveryGivesTheSameIds() throws {
        #expect(try parse("text.json").map(\.id) == (try parse("text.json")).map(\.id))
        #expect(try parse("status_read.json").map(\.id) != (try parse("status_delivered.json")).map(\.id))
    }

    @Test func bodyThatIsNotJSONIs400() {
        #expect(throws: ChannelHTTPError.self) {
            _ = try adapter.parse(
                body: Array("{oops".utf8), headers: [:], tenantId: "acme", receivedAt: .now, ids: UUIDv7Generator())
        }
    }
}

@Suite("WhatsApp signature and handshake")
struct WhatsAppSecurityTests {
    let adapter = WhatsAppAdapter(
        secrets: ProviderFixtures.secrets([
            "WHATSAPP_APP_SECRET": ProviderFixtures.metaAppSecret, "WHATSAPP_VERIFY_TOKEN": "vibecoding",
        ]),
        configuration: ProviderConfiguration(testing: [:]))

    func signature() throws -> String {
        let fixture = try ProviderFixtures.json("whatsapp/signed_text.signature.json")
        #expect(fixture["app_secret"] as? String == ProviderFixtures.metaAppSecret)
        #expect(fixture["header_name"] as? String == "X-Hub-Signature-256")
        return try #require(fixture["expected_header_value"] as? String)
    }

    @Test func documentedSignatureVerifies() throws {
        let body = try ProviderFixtures.bytes("whatsapp/signed_text.body.json")
        try adapter.verify(headers: ProviderFixtures.signatureHeaders(try signature()), body: body, tenantId: "acme")
    }

    @Test func oneChangedByteFails() throws {
        var body = try ProviderFixtures.bytes("whatsapp/signed_text.body.json")
        body[body.count / 2] ^= 0x01
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(
                headers: ProviderFixtures.signatureHeaders(try signature()), body: body, tenantId: "acme")
        }
    }

    @Test func wrongSecretMissingHeaderAndUnconfiguredTenantFail() throws {
        let body = try ProviderFixtures.bytes("whatsapp/signed_text.body.json")
        let other = WhatsAppAdapter(
            secrets: ProviderFixtures.secrets(["WHATSAPP_APP_SECRET": "another-secret"]),
            configuration: ProviderConfiguration(testing: [:]))
        let headers = ProviderFixtures.signatureHeaders(try signature())
        do {
            try other.verify(headers: headers, body: body, tenantId: "acme")
            Issue.record("a wrong secret verified")
        } catch {
            #expect(error.status == .unauthorized)
        }
        #expect(throws: ChannelHTTPError.self) { try adapter.verify(headers: [:], body: body, tenantId: "acme") }
        #expect(throws: ChannelHTTPError.self) { try adapter.verify(headers: headers, body: body, tenantId: "other") }
    }

    @Test func handshakeEchoesTheChallengeForTheRightToken() throws {
        let fixture = try ProviderFixtures.json("whatsapp/verify_get.json")
        let query = try #require((fixture["request"] as? [String: Any])?["query"] as? [String: String])
        let expected = try #require(fixture["expected_response_when_token_matches"] as? [String: Any])
        let answer = try adapter.security.challenge(
            mode: query["hub.mode"], verifyToken: query["hub.verify_token"], challenge: query["hub.challenge"],
            tenantId: "acme")
        #expect(answer == expected["body"] as? String)
    }

    @Test func handshakeRefusesAWrongTokenOrMode() throws {
        for (mode, token) in [("subscribe", "nope"), ("unsubscribe", "vibecoding"), ("subscribe", "")] {
            do {
                _ = try adapter.security.challenge(
                    mode: mode, verifyToken: token, challenge: "1158201444", tenantId: "acme")
                Issue.record("handshake accepted \(mode) \(token)")
            } catch {
                #expect(error.status == .forbidden)
            }
        }
    }
}
