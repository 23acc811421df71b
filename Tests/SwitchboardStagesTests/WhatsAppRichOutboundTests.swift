import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("WhatsApp media, locations and choices against a fake Graph API")
struct WhatsAppRichOutboundTests {
    static let path = WhatsAppOutboundTests.path
    static let messageId = "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"

    func reply(_ content: Content) -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: .whatsapp, direction: .outbound, externalId: "16505551234",
            content: content, receivedAt: .now, traceId: "t-1", sender: .agent(id: "a-1"))
    }

    /// Sends `content` and returns the JSON bodies the fake Graph API received, after checking each request's
    /// path, method, auth and envelope fields.
    func send(_ content: Content) async throws -> (DeliveryOutcome, [[String: Any]]) {
        let (outcome, requests) = try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(200, try WhatsAppOutboundTests.sendResponse())])
            let adapter = WhatsAppOutboundTests().adapter(server, clock: ProvidersTestClock())
            return (try await adapter.deliver(reply(content)), server.requests(to: Self.path))
        }
        var bodies: [[String: Any]] = []
        for request in requests {
            #expect(request.method == "POST")
            #expect(request.header("Authorization") == "Bearer token-abc")
            #expect(request.header("Content-Type") == "application/json")
            let body = try request.json()
            #expect(body["messaging_product"] as? String == "whatsapp")
            #expect(body["recipient_type"] as? String == "individual")
            #expect(body["to"] as? String == "16505551234")
            bodies.append(body)
        }
        return (outcome, bodies)
    }

    @Test func anImageByLinkWithItsCaption() async throws {
        let (outcome, bodies) = try await send(
            .media(.init(reference: "https://cdn.example/receipt.jpg", mimeType: "image/jpeg", caption: "Your receipt"))
        )
        #expect(outcome == .sent(providerMessageId: Self.messageId))
        let body = try #require(bodies.first)
        #expect(bodies.count == 1)
        #expect(body["type"] as? String == "image")
        #expect(Set(body.keys) == ["messaging_product", "recipient_type", "to", "type", "image"])
        let image = try #require(body["image"] as? [String: Any])
        #expect(try CanonicalJSON.of(image) == #"{"caption":"Your receipt","link":"https://cdn.example/receipt.jpg"}"#)
    }

    @Test func aDocumentWithItsFileNameAndAVideoByMediaId() async throws {
        let (_, documents) = try await send(
            .media(
                .init(reference: "https://cdn.example/i.pdf", kind: .document, caption: "Invoice", fileName: "i.pdf")))
        let document = try #require(documents.first?["document"] as? [String: Any])
        #expect(documents.first?["type"] as? String == "document")
        #expect(
            try CanonicalJSON.of(document)
                == #"{"caption":"Invoice","filename":"i.pdf","link":"https://cdn.example/i.pdf"}"#)

        let (_, videos) = try await send(.media(.init(reference: "1013859600285441", mimeType: "video/mp4")))
        #expect(videos.first?["type"] as? String == "video")
        #expect(try CanonicalJSON.of(videos.first?["video"]) == #"{"id":"1013859600285441"}"#)
    }

    @Test func anAudiosCaptionFollowsAsText() async throws {
        let (outcome, bodies) = try await send(
            .media(.init(reference: "https://cdn.example/v.ogg", kind: .audio, caption: "Listen to this")))
        #expect(outcome == .sent(providerMessageId: Self.messageId))
        #expect(bodies.count == 2)
        #expect(bodies.first?["type"] as? String == "audio")
        #expect(try CanonicalJSON.of(bodies.first?["audio"]) == #"{"link":"https://cdn.example/v.ogg"}"#)
        #expect(bodies.last?["type"] as? String == "text")
        #expect((bodies.last?["text"] as? [String: Any])?["body"] as? String == "Listen to this")
    }

    @Test func aLocation() async throws {
        let (_, bodies) = try await send(
            .location(.init(latitude: 52.52, longitude: 13.405, name: "Office", address: "Unter den Linden 1")))
        let body = try #require(bodies.first)
        #expect(body["type"] as? String == "location")
        let location = try #require(body["location"] as? [String: Any])
        #expect(location["latitude"] as? Double == 52.52)
        #expect(location["longitude"] as? Double == 13.405)
        #expect(location["name"] as? String == "Office")
        #expect(location["address"] as? String == "Unter den Linden 1")
    }

    @Test func replyButtons() async throws {
        let (_, bodies) = try await send(
            .choice(
                .init(
                    text: "Was this helpful?", options: [.init(id: "yes", title: "Yes"), .init(id: "no", title: "No")]))
        )
        let body = try #require(bodies.first)
        #expect(body["type"] as? String == "interactive")
        let interactive = try #require(body["interactive"] as? [String: Any])
        #expect(interactive["type"] as? String == "button")
        #expect((interactive["body"] as? [String: Any])?["text"] as? String == "Was this helpful?")
        let buttons = try #require((interactive["action"] as? [String: Any])?["buttons"] as? [[String: Any]])
        #expect(buttons.count == 2)
        #expect(try CanonicalJSON.of(buttons[0]) == #"{"reply":{"id":"yes","title":"Yes"},"type":"reply"}"#)
        #expect(try CanonicalJSON.of(buttons[1]) == #"{"reply":{"id":"no","title":"No"},"type":"reply"}"#)
    }

    @Test func aListInOneSection() async throws {
        let (_, bodies) = try await send(
            .choice(
                .init(
                    text: "Which store?",
                    options: [
                        .init(id: "ams", title: "Amsterdam", description: "Damrak 1"),
                        .init(id: "ber", title: "Berlin"),
                    ], style: .list, button: "Stores")))
        let interactive = try #require(bodies.first?["interactive"] as? [String: Any])
        #expect(interactive["type"] as? String == "list")
        let action = try #require(interactive["action"] as? [String: Any])
        #expect(action["button"] as? String == "Stores")
        let sections = try #require(action["sections"] as? [[String: Any]])
        #expect(sections.count == 1)
        let rows = try #require(sections.first?["rows"] as? [[String: Any]])
        #expect(try CanonicalJSON.of(rows[0]) == #"{"description":"Damrak 1","id":"ams","title":"Amsterdam"}"#)
        #expect(try CanonicalJSON.of(rows[1]) == #"{"id":"ber","title":"Berlin"}"#)
    }

    @Test func contentOverTheLimitsIsRefusedWithoutARequest() async throws {
        let four = Content.choice(.init(text: "Pick", options: (1...4).map { .init(id: "\($0)", title: "\($0)") }))
        let (outcome, bodies) = try await send(four)
        #expect(outcome == .permanentFailure(reason: "whatsapp takes at most 3 options as buttons"))
        #expect(bodies.isEmpty)
    }
}
