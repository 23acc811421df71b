import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("Messenger attachments, templates and quick replies against a fake Send API")
struct MessengerRichOutboundTests {
    static let path = MessengerOutboundTests.path

    func reply(_ content: Content) -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: .messenger, direction: .outbound, externalId: "1254477777772919",
            content: content, receivedAt: .now, traceId: "t-1", sender: .agent(id: "a-1"))
    }

    /// Sends `content`; returns the outcome and the `message` of every Send API request, after checking their
    /// auth, recipient and messaging type.
    func send(_ content: Content) async throws -> (DeliveryOutcome, [[String: Any]]) {
        let (outcome, requests) = try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(200, #"{"recipient_id":"1254477777772919","message_id":"m_1"}"#)])
            let adapter = MessengerOutboundTests().adapter(server, clock: ProvidersTestClock())
            return (try await adapter.deliver(reply(content)), server.requests(to: Self.path))
        }
        var messages: [[String: Any]] = []
        for request in requests {
            #expect(request.method == "POST")
            #expect(request.header("Authorization") == "Bearer page-token")
            let body = try request.json()
            #expect(body["messaging_type"] as? String == "RESPONSE")
            #expect(try CanonicalJSON.of(body["recipient"]) == #"{"id":"1254477777772919"}"#)
            messages.append(try #require(body["message"] as? [String: Any]))
        }
        return (outcome, messages)
    }

    @Test func mediaIsAnAttachmentWithItsCaptionAfterIt() async throws {
        let (outcome, messages) = try await send(
            .media(.init(reference: "https://cdn.example/i.pdf", kind: .document, caption: "Your invoice")))
        #expect(outcome == .sent(providerMessageId: "m_1"))
        #expect(messages.count == 2)
        #expect(
            try CanonicalJSON.of(messages.first)
                == #"{"attachment":{"payload":{"url":"https://cdn.example/i.pdf"},"type":"file"}}"#)
        #expect(try CanonicalJSON.of(messages.last) == #"{"text":"Your invoice"}"#)
        let (_, byId) = try await send(.media(.init(reference: "1857777774821032", mimeType: "image/png")))
        #expect(
            try CanonicalJSON.of(byId)
                == #"[{"attachment":{"payload":{"attachment_id":"1857777774821032"},"type":"image"}}]"#)
    }

    @Test func buttonsAreAButtonTemplateOfPostbacks() async throws {
        let (_, messages) = try await send(
            .choice(.init(text: "Helpful?", options: [.init(id: "yes", title: "Yes"), .init(id: "no", title: "No")])))
        #expect(
            try CanonicalJSON.of(messages)
                == CanonicalJSON.of(
                    json: #"""
                        [{"attachment": {"type": "template", "payload": {
                            "template_type": "button", "text": "Helpful?",
                            "buttons": [
                                {"type": "postback", "title": "Yes", "payload": "yes"},
                                {"type": "postback", "title": "No", "payload": "no"}]}}}]
                        """#))
    }

    @Test func aListIsQuickRepliesInTheDocumentedShape() async throws {
        let fixture = try #require(
            try ProviderFixtures.json("messenger/send_api_request.json")["message"] as? [String: Any])
        let fixtureReplies = try #require(fixture["quick_replies"] as? [[String: Any]])
        let (_, messages) = try await send(
            .choice(
                .init(
                    text: "Pick a color:",
                    options: [.init(id: "RED", title: "Red"), .init(id: "GREEN", title: "Green")],
                    style: .list)))
        let message = try #require(messages.first)
        #expect(Set(message.keys) == Set(fixture.keys))
        #expect(message["text"] as? String == fixture["text"] as? String)
        let replies = try #require(message["quick_replies"] as? [[String: Any]])
        #expect(replies.count == fixtureReplies.count)
        for (sent, documented) in zip(replies, fixtureReplies) {
            // The fixture's replies also carry an image_url, which Switchboard does not send.
            #expect(Set(sent.keys) == Set(documented.keys).subtracting(["image_url"]))
            #expect(sent["content_type"] as? String == documented["content_type"] as? String)
            #expect(sent["title"] as? String == documented["title"] as? String)
        }
        #expect(replies.map { $0["payload"] as? String } == ["RED", "GREEN"])
    }

    @Test func aLocationIsTextWithAMapLink() async throws {
        let (_, messages) = try await send(.location(.init(latitude: 52.52, longitude: 13.405, name: "Office")))
        #expect(
            try CanonicalJSON.of(messages)
                == #"[{"text":"Office\nhttps://www.google.com/maps/search/?api=1&query=52.52,13.405"}]"#)
    }

    @Test func fourButtonsAreRefusedWithoutARequest() async throws {
        let (outcome, messages) = try await send(
            .choice(.init(text: "Pick", options: (1...4).map { .init(id: "\($0)", title: "\($0)") })))
        #expect(outcome == .permanentFailure(reason: "messenger takes at most 3 options as buttons"))
        #expect(messages.isEmpty)
    }
}
