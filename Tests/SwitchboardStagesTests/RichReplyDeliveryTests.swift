import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// An agent's rich reply through the outbound stage, per channel: stored, sent to the channel's (fake) vendor
/// in its request shape, and marked sent with its content as the agent wrote it.
@Suite("rich replies through the outbound stage against the local database and fake vendors")
struct RichReplyDeliveryTests {
    static let choice = Content.choice(
        .init(text: "Did that help?", options: [.init(id: "yes", title: "Yes"), .init(id: "no", title: "No")]))

    /// The agent's reply to a customer who just wrote on `channel` from `address`.
    func reply(channel: Channel, to address: String, content: Content) -> Envelope {
        var message = inbound("thanks", from: address, channel: channel, tenant: "acme")
        message.customerId = "customer-rich"
        return message.reply(content: content, sender: .agent(id: "agent-1"), stage: "human-handover", at: Date())
    }

    /// Runs `envelope` through the outbound stage with `adapter` and returns the stored message afterwards.
    func deliver(_ envelope: Envelope, adapter: any ChannelAdapter) async throws -> MessageStore.StoredMessage? {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let handler = OutboundDeliveryHandler(
            adapters: ChannelAdapterRegistry([adapter]), database: test.database, consent: CustomersWhoJustWrote())
        _ = try await handler.handle(envelope, context: test.context(test.topics.outbound))
        return try await test.database.messages.message(id: envelope.id)
    }

    func expectSent(_ stored: MessageStore.StoredMessage?, _ content: Content) {
        #expect(stored?.status == "sent")
        #expect(stored?.envelope.content == content)
        #expect(stored?.envelope.sender == .agent(id: "agent-1"))
    }

    @Test func whatsAppReplyButtons() async throws {
        try await FakeVendorServer.with { server in
            server.script(WhatsAppOutboundTests.path, [.json(200, try WhatsAppOutboundTests.sendResponse())])
            let adapter = WhatsAppOutboundTests().adapter(server, clock: ProvidersTestClock())
            let stored = try await deliver(
                reply(channel: .whatsapp, to: "16505551234", content: Self.choice), adapter: adapter)
            expectSent(stored, Self.choice)
            let requests = server.requests(to: WhatsAppOutboundTests.path)
            #expect(requests.count == 1)
            #expect(requests.first?.header("Authorization") == "Bearer token-abc")
            let body = try #require(try requests.first?.json())
            #expect(body["type"] as? String == "interactive")
            #expect(
                try CanonicalJSON.of(body["interactive"])
                    == CanonicalJSON.of(
                        json: #"""
                            {"type": "button", "body": {"text": "Did that help?"}, "action": {"buttons": [
                                {"type": "reply", "reply": {"id": "yes", "title": "Yes"}},
                                {"type": "reply", "reply": {"id": "no", "title": "No"}}]}}
                            """#))
        }
    }

    @Test func telegramPhoto() async throws {
        let photo = Content.media(.init(reference: "https://cdn.example/map.png", kind: .image, caption: "Our store"))
        try await FakeVendorServer.with { server in
            server.script("/botBOT-TOKEN-1/sendPhoto", [.json(200, #"{"ok":true,"result":{"message_id":7}}"#)])
            let adapter = TelegramOutboundTests().adapter(server, waits: TelegramRecordedWaits())
            let stored = try await deliver(reply(channel: .telegram, to: "12345", content: photo), adapter: adapter)
            expectSent(stored, photo)
            let request = try #require(server.requests(to: "/botBOT-TOKEN-1/sendPhoto").first)
            let form = Dictionary(TwilioForm(body: request.body).pairs.map { ($0.name, $0.value) }) { $1 }
            #expect(form == ["chat_id": "12345", "photo": "https://cdn.example/map.png", "caption": "Our store"])
        }
    }

    @Test func messengerQuickReplies() async throws {
        guard case .choice(var list) = Self.choice else { return }
        list.style = .list
        let content = Content.choice(list)
        try await FakeVendorServer.with { server in
            server.script(MessengerOutboundTests.path, [.json(200, #"{"message_id":"m_9"}"#)])
            let adapter = MessengerOutboundTests().adapter(server, clock: ProvidersTestClock())
            let stored = try await deliver(
                reply(channel: .messenger, to: "1254477777772919", content: content), adapter: adapter)
            expectSent(stored, content)
            let body = try #require(try server.requests(to: MessengerOutboundTests.path).first?.json())
            #expect(
                try CanonicalJSON.of(body["message"])
                    == CanonicalJSON.of(
                        json: #"""
                            {"text": "Did that help?", "quick_replies": [
                                {"content_type": "text", "title": "Yes", "payload": "yes"},
                                {"content_type": "text", "title": "No", "payload": "no"}]}
                            """#))
        }
    }

    @Test func smsLocationAsText() async throws {
        let location = Content.location(.init(latitude: 52.52, longitude: 13.405, name: "Store"))
        try await FakeVendorServer.with { server in
            server.script(TwilioOutboundTests.path, [.json(201, try TwilioOutboundTests().created())])
            let adapter = TwilioOutboundTests().adapter(server, waits: TelegramRecordedWaits())
            let stored = try await deliver(
                reply(channel: .sms, to: "+15558675310", content: location), adapter: adapter)
            expectSent(stored, location)
            let request = try #require(server.requests(to: TwilioOutboundTests.path).first)
            let form = TwilioForm(body: request.body)
            #expect(form["Body"] == "Store\nhttps://www.google.com/maps/search/?api=1&query=52.52,13.405")
            #expect(form["To"] == "+15558675310")
        }
    }

    @Test func aChoiceTheVendorWouldRefuseIsAPermanentFailureWithoutARequest() async throws {
        let four = Content.choice(.init(text: "Pick", options: (1...4).map { .init(id: "\($0)", title: "\($0)") }))
        try await FakeVendorServer.with { server in
            let adapter = WhatsAppOutboundTests().adapter(server, clock: ProvidersTestClock())
            await #expect(throws: StageFailure.self) {
                _ = try await deliver(reply(channel: .whatsapp, to: "16505551234", content: four), adapter: adapter)
            }
            #expect(server.requests(to: WhatsAppOutboundTests.path).isEmpty)
        }
    }
}
