import Foundation
import HTTPTypes
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("Messenger webhooks: fixtures parsed as is")
struct MessengerParseTests {
    let adapter = MessengerAdapter(
        secrets: ProviderFixtures.secrets([
            "MESSENGER_APP_SECRET": ProviderFixtures.metaAppSecret, "MESSENGER_VERIFY_TOKEN": "vibecoding",
        ]),
        configuration: ProviderConfiguration(testing: [:]))

    func parse(_ fixture: String) throws -> [Envelope] {
        try adapter.parse(
            body: try ProviderFixtures.bytes("messenger/\(fixture)"), headers: [:], tenantId: "acme",
            receivedAt: ProviderFixtures.receivedAt, ids: UUIDv7Generator())
    }

    func expectedId(_ parts: String...) -> UUID {
        DerivedID.make(from: ProviderEnvelopeID.namespace, parts: ["messenger", "acme"] + parts)
    }

    func expectCommon(_ envelope: Envelope, psid: String, milliseconds: Double) {
        #expect(envelope.tenantId == "acme")
        #expect(envelope.channel == .messenger)
        #expect(envelope.direction == .inbound)
        #expect(envelope.externalId == psid)
        #expect(envelope.conversationId == psid)
        #expect(envelope.channelTimestamp == Date(timeIntervalSince1970: milliseconds / 1000))
        #expect(envelope.receivedAt == ProviderFixtures.receivedAt)
    }

    @Test func text() throws {
        let envelopes = try parse("text_message.json")
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        expectCommon(envelope, psid: "5678", milliseconds: 1_459_991_487_970)
        #expect(envelope.id == expectedId("external_id"))
        #expect(envelope.kind == .message)
        #expect(envelope.channelMessageId == "external_id")
        #expect(envelope.content == .text("Hello World"))
    }

    @Test func quickReplyIsInteractive() throws {
        let envelope = try #require(try parse("quick_reply.json").first)
        let mid = "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"
        expectCommon(envelope, psid: "1254459154682919", milliseconds: 1_502_905_976_377)
        #expect(envelope.id == expectedId(mid))
        #expect(envelope.channelMessageId == mid)
        #expect(
            envelope.content
                == .interactive(
                    Content.InteractiveReply(payload: "DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_GREEN", title: "Green")))
    }

    @Test func imageAttachmentIsMediaByURL() throws {
        let envelope = try #require(try parse("image_attachment.json").first)
        expectCommon(envelope, psid: "5678", milliseconds: 1_459_991_487_970)
        #expect(envelope.id == expectedId("external_id"))
        #expect(envelope.kind == .message)
        #expect(envelope.content == .media(Content.Media(reference: "https://image-url/foo.png", mimeType: "image/*")))
    }

    @Test func severalAttachmentsAreOneEnvelopeEach() throws {
        let body =
            #"{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"5678"},"recipient":{"id":"1"},"timestamp":1459991487970,"message":{"mid":"m-two","attachments":[{"type":"image","payload":{"url":"https://a/1.jpg"}},{"type":"video","payload":{"url":"https://a/2.mp4"}}]}}]}]}"#
        let envelopes = try adapter.parse(
            body: Array(body.utf8), headers: [:], tenantId: "acme", receivedAt: ProviderFixtures.receivedAt,
            ids: UUIDv7Generator())
        #expect(
            envelopes.map(\.content) == [
                .media(Content.Media(reference: "https://a/1.jpg", mimeType: "image/*")),
                .media(Content.Media(reference: "https://a/2.mp4", mimeType: "video/*")),
            ])
        #expect(envelopes.map(\.channelMessageId) == ["m-two", "m-two:1"])
        #expect(envelopes.first?.id == expectedId("m-two"))
        #expect(Set(envelopes.map(\.id)).count == 2)
        #expect(Set(envelopes.map(\.traceId)).count == 1)
        // Redelivered: the same envelopes.
        let again = try adapter.parse(
            body: Array(body.utf8), headers: [:], tenantId: "acme", receivedAt: ProviderFixtures.receivedAt,
            ids: UUIDv7Generator())
        #expect(again.map(\.id) == envelopes.map(\.id))
    }

    @Test func postbackIsInteractive() throws {
        let envelopes = try parse("postback.json")
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        expectCommon(envelope, psid: "5678", milliseconds: 1_459_991_487_970)
        #expect(envelope.id == expectedId("postback", "5678", "1459991487970", "postback payload"))
        #expect(envelope.channelMessageId == nil)
        #expect(
            envelope.content
                == .interactive(Content.InteractiveReply(payload: "postback payload", title: "postback title")))
        #expect(try parse("postback.json").map(\.id) == [envelope.id])
    }

    @Test func deliveryReceiptIsADeliveryStatusPerMid() throws {
        let envelopes = try parse("delivery_receipt.json")
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        let mid = "mid.1458668856218:ed81099e15d3f4f233"
        expectCommon(envelope, psid: "5678", milliseconds: 1_458_668_856_253)
        #expect(envelope.id == expectedId("status", mid, "delivered"))
        #expect(envelope.kind == .deliveryStatus)
        #expect(envelope.relatesTo == mid)
        #expect(envelope.deliveryStatus == DeliveryStatus(state: .delivered))
        #expect(envelope.content == nil)
    }

    @Test func batchOfTwoEntriesWithTheSameMidIsOneEnvelope() throws {
        let envelopes = try parse("batch_two_entries.json")
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        #expect(envelope.id == expectedId("external_id"))
        #expect(envelope.content == .text("Hello World"))
        expectCommon(envelope, psid: "5678", milliseconds: 1_459_991_487_970)
    }

    @Test func readReceiptIsAReadStatus() throws {
        let body =
            #"{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"5678"},"recipient":{"id":"1"},"timestamp":1459991487970,"read":{"watermark":1458668856253}}]}]}"#
        let envelopes = try adapter.parse(
            body: Array(body.utf8), headers: [:], tenantId: "acme", receivedAt: ProviderFixtures.receivedAt,
            ids: UUIDv7Generator())
        let envelope = try #require(envelopes.first)
        #expect(envelope.kind == .deliveryStatus)
        #expect(envelope.deliveryStatus == DeliveryStatus(state: .read))
        #expect(envelope.externalId == "5678")
    }

    @Test func signatureUsesTheMetaScheme() throws {
        // No Meta-signed Messenger body exists; the README says to reuse the WhatsApp vector.
        let body = try ProviderFixtures.bytes("whatsapp/signed_text.body.json")
        let signature = try #require(
            try ProviderFixtures.json("whatsapp/signed_text.signature.json")["expected_header_value"] as? String)
        try adapter.verify(headers: ProviderFixtures.signatureHeaders(signature), body: body, tenantId: "acme")
        var tampered = body
        tampered[0] ^= 0x20
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(headers: ProviderFixtures.signatureHeaders(signature), body: tampered, tenantId: "acme")
        }
        // A Messenger-shaped body signed with our own computation.
        let messengerBody = try ProviderFixtures.bytes("messenger/text_message.json")
        let own =
            MetaWebhookSecurity.signature(body: messengerBody, appSecret: ProviderFixtures.metaAppSecret)
        try adapter.verify(headers: ProviderFixtures.signatureHeaders(own), body: messengerBody, tenantId: "acme")
    }

    @Test func handshake() throws {
        #expect(
            try adapter.security.challenge(
                mode: "subscribe", verifyToken: "vibecoding", challenge: "1158201444", tenantId: "acme")
                == "1158201444")
        #expect(throws: ChannelHTTPError.self) {
            try adapter.security.challenge(mode: "subscribe", verifyToken: "x", challenge: "1", tenantId: "acme")
        }
    }
}

@Suite("Messenger delivery against a fake Send API")
struct MessengerOutboundTests {
    static let path = "/v21.0/me/messages"

    func adapter(_ server: FakeVendorServer, clock: ProvidersTestClock) -> MessengerAdapter {
        MessengerAdapter(
            secrets: ProviderFixtures.secrets(["MESSENGER_PAGE_TOKEN": "page-token"]),
            configuration: ProviderConfiguration(testing: ["SWITCHBOARD_MESSENGER_API_BASE": server.baseURL]),
            retryPolicy: ProviderFixtures.instantRetries(clock: clock),
            circuitBreaker: CircuitBreaker(failureThreshold: 100))
    }

    func reply(_ text: String) -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: .messenger, direction: .outbound, externalId: "1254477777772919",
            content: .text(text), receivedAt: .now, traceId: "t-1", sender: .bot)
    }

    @Test func sendsRecipientMessagingTypeAndTextAndReturnsMessageId() async throws {
        try await FakeVendorServer.with { server in
            let response = String(
                decoding: try ProviderFixtures.bytes("messenger/send_api_response.json"), as: UTF8.self)
            server.script(Self.path, [.json(200, response)])
            let fixture = try ProviderFixtures.json("messenger/send_api_request.json")
            let outcome = try await adapter(server, clock: ProvidersTestClock()).deliver(reply("Pick a color:"))
            #expect(
                outcome
                    == .sent(
                        providerMessageId:
                            "AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"))
            let request = try #require(server.requests(to: Self.path).first)
            #expect(request.header("Authorization") == "Bearer page-token")
            #expect(!request.query.contains("access_token"))
            let body = try request.json()
            #expect(body["messaging_type"] as? String == fixture["messaging_type"] as? String)
            #expect((body["recipient"] as? [String: Any])?["id"] as? String == "1254477777772919")
            let fixtureMessage = try #require(fixture["message"] as? [String: Any])
            #expect((body["message"] as? [String: Any])?["text"] as? String == fixtureMessage["text"] as? String)
        }
    }

    @Test func errorsMapToRetriableAndPermanent() async throws {
        try await FakeVendorServer.with { server in
            server.script(
                Self.path,
                [
                    .json(503, "{}", headers: ["Retry-After": "1"]),
                    .json(400, #"{"error":{"message":"(#100) No matching user found","code":100}}"#),
                ])
            let clock = ProvidersTestClock()
            let outcome = try await adapter(server, clock: clock).deliver(reply("Hi"))
            #expect(outcome == .permanentFailure(reason: "(#100) No matching user found (code 100)"))
            #expect(clock.sleeps == [.seconds(1)])
            server.script(Self.path, [.json(500, "oops")])
            let failed = try await adapter(server, clock: clock).deliver(reply("Hi"))
            #expect(failed == .retriableFailure(reason: "HTTP 500"))
        }
    }
}
