import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Read receipts and typing indicators against the fake vendor servers: path, auth and body as each vendor
/// documents them, one attempt only, and nothing where the vendor has no such request.
@Suite("Sender actions: the request shape of each vendor")
struct SenderActionVendorTests {
    func signal(_ channel: Channel, _ actions: [SenderAction], to address: String, about messageId: String?) -> Envelope
    {
        var envelope = Envelope(
            id: UUID(), tenantId: "acme", channel: channel, direction: .outbound, kind: .senderAction,
            externalId: address, receivedAt: .now, traceId: "t-1", sender: .bot, relatesTo: messageId)
        envelope.senderActions = actions
        return envelope
    }

    @Test func whatsAppReadIsStatusReadWithTheWamid() async throws {
        let requests = try await FakeVendorServer.with { server in
            server.script(WhatsAppOutboundTests.path, [.json(200, #"{"success":true}"#)])
            let adapter = WhatsAppOutboundTests().adapter(server, clock: ProvidersTestClock())
            let outcome = await adapter.sendActions(signal(.whatsapp, [.read], to: "16315551181", about: "wamid.IN1"))
            #expect(outcome == .sent)
            return server.requests(to: WhatsAppOutboundTests.path)
        }
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.header("Authorization") == "Bearer token-abc")
        #expect(
            try CanonicalJSON.of(request.json())
                == #"{"message_id":"wamid.IN1","messaging_product":"whatsapp","status":"read"}"#)
    }

    @Test func whatsAppTypingIsOneRequestWithTheTypingIndicator() async throws {
        let requests = try await FakeVendorServer.with { server in
            server.script(WhatsAppOutboundTests.path, [.json(200, #"{"success":true}"#)])
            let adapter = WhatsAppOutboundTests().adapter(server, clock: ProvidersTestClock())
            let outcome = await adapter.sendActions(
                signal(.whatsapp, [.read, .typing], to: "16315551181", about: "wamid.IN1"))
            #expect(outcome == .sent)
            return server.requests(to: WhatsAppOutboundTests.path)
        }
        #expect(requests.count == 1)
        #expect(
            try CanonicalJSON.of(try #require(requests.first).json())
                == #"{"message_id":"wamid.IN1","messaging_product":"whatsapp","status":"read","typing_indicator":{"type":"text"}}"#
        )
    }

    @Test func whatsAppWithoutTheWamidOrThroughTwilioSendsNothing() async throws {
        let count = try await FakeVendorServer.with { server in
            server.script(WhatsAppOutboundTests.path, [.json(200, #"{"success":true}"#)])
            let adapter = WhatsAppOutboundTests().adapter(server, clock: ProvidersTestClock())
            #expect(
                await adapter.sendActions(signal(.whatsapp, [.typing], to: "16315551181", about: nil)) == .unsupported)
            var twilio = signal(.whatsapp, [.read, .typing], to: "16315551181", about: "SM123")
            twilio.provider = "twilio"
            #expect(await adapter.sendActions(twilio) == .unsupported)
            return server.requests.count
        }
        #expect(count == 0)
    }

    @Test func whatsAppRefusalIsTriedOnceAndReported() async throws {
        let count = try await FakeVendorServer.with { server in
            server.script(WhatsAppOutboundTests.path, [.json(500, #"{"error":{"message":"down","code":2}}"#)])
            let adapter = WhatsAppOutboundTests().adapter(server, clock: ProvidersTestClock(), maxAttempts: 4)
            let outcome = await adapter.sendActions(signal(.whatsapp, [.read], to: "16315551181", about: "wamid.IN1"))
            #expect(outcome == .failed(reason: "down (code 2)"))
            return server.requests(to: WhatsAppOutboundTests.path).count
        }
        #expect(count == 1)
    }

    @Test func messengerMarksSeenThenTypesOn() async throws {
        let requests = try await FakeVendorServer.with { server in
            server.script(MessengerOutboundTests.path, [.json(200, #"{"recipient_id":"1254477777772919"}"#)])
            let adapter = MessengerOutboundTests().adapter(server, clock: ProvidersTestClock())
            let outcome = await adapter.sendActions(
                signal(.messenger, [.read, .typing], to: "1254477777772919", about: "m_IN1"))
            #expect(outcome == .sent)
            return server.requests(to: MessengerOutboundTests.path)
        }
        #expect(requests.count == 2)
        for request in requests {
            #expect(request.method == "POST")
            #expect(request.header("Authorization") == "Bearer page-token")
        }
        #expect(
            try requests.map { try CanonicalJSON.of($0.json()) } == [
                #"{"recipient":{"id":"1254477777772919"},"sender_action":"mark_seen"}"#,
                #"{"recipient":{"id":"1254477777772919"},"sender_action":"typing_on"}"#,
            ])
    }

    @Test func telegramTypingIsSendChatActionAndReadIsNothing() async throws {
        let path = "/botBOT-TOKEN-1/sendChatAction"
        let requests = try await FakeVendorServer.with { server in
            server.script(path, [.json(200, #"{"ok":true,"result":true}"#)])
            let adapter = TelegramOutboundTests().adapter(server, waits: TelegramRecordedWaits())
            #expect(await adapter.sendActions(signal(.telegram, [.read], to: "12345", about: "7")) == .unsupported)
            #expect(await adapter.sendActions(signal(.telegram, [.read, .typing], to: "12345", about: "7")) == .sent)
            return server.requests
        }
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.path == path)
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        let fields = Dictionary(TwilioForm(body: request.body).pairs.map { ($0.name, $0.value) }) { $1 }
        #expect(fields == ["chat_id": "12345", "action": "typing"])
    }

    @Test func webChatTypingGoesToTheConversationsStreamsOnly() async throws {
        let streams = ReplyStreams()
        let key = ReplyStreams.Key(tenantId: "acme", conversationId: "c1", userId: "u1")
        let (events, continuation) = AsyncStream.makeStream(of: WebChatStreamEvent.self)
        #expect(streams.follow(key, with: continuation) != nil)
        var typing = signal(.webchat, [.typing], to: "u1", about: nil)
        typing.conversationId = "c1"
        var other = typing
        other.conversationId = "c2"
        #expect(streams.publish(typing: other) == 0)
        #expect(streams.publish(typing: typing) == 1)
        continuation.finish()
        var received: [Envelope] = []
        for await event in events {
            if case .typing(let envelope) = event { received.append(envelope) }
        }
        #expect(received.map(\.id) == [typing.id])
    }

    @Test func twilioSMSHasNoSenderActions() {
        let adapter = TwilioAdapter(secrets: TenantSecrets(tenantIds: ["acme"], environment: [:]))
        #expect(!((adapter as any ChannelAdapter) is any SenderActionAdapter))
    }
}
