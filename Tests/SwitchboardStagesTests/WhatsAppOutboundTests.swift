import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("WhatsApp delivery against a fake Graph API")
struct WhatsAppOutboundTests {
    static let path = "/v21.0/106540352242922/messages"

    func adapter(_ server: FakeVendorServer, clock: ProvidersTestClock, maxAttempts: Int = 3) -> WhatsAppAdapter {
        WhatsAppAdapter(
            secrets: ProviderFixtures.secrets([
                "WHATSAPP_PHONE_NUMBER_ID": "106540352242922", "WHATSAPP_ACCESS_TOKEN": "token-abc",
            ]),
            configuration: ProviderConfiguration(testing: ["SWITCHBOARD_WHATSAPP_API_BASE": server.baseURL + "/"]),
            retryPolicy: ProviderFixtures.instantRetries(maxAttempts: maxAttempts, clock: clock),
            circuitBreaker: CircuitBreaker(failureThreshold: 100))
    }

    func reply(_ text: String) throws -> Envelope {
        let request = try ProviderFixtures.json("whatsapp/send_text_request.json")
        return Envelope(
            id: UUID(), tenantId: "acme", channel: .whatsapp, direction: .outbound,
            externalId: try #require(request["to"] as? String), content: .text(text), receivedAt: .now,
            traceId: "t-1", sender: .bot)
    }

    static func sendResponse() throws -> String {
        String(decoding: try ProviderFixtures.bytes("whatsapp/send_text_response.json"), as: UTF8.self)
    }

    @Test func sendsTheDocumentedRequestShapeAndReturnsTheMessageId() async throws {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(200, try Self.sendResponse())])
            let fixture = try ProviderFixtures.json("whatsapp/send_text_request.json")
            let fixtureText = try #require(fixture["text"] as? [String: Any])
            let text = try #require(fixtureText["body"] as? String)
            let outcome = try await adapter(server, clock: ProvidersTestClock()).deliver(try reply(text))
            #expect(outcome == .sent(providerMessageId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"))
            let requests = server.requests(to: Self.path)
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.method == "POST")
            #expect(request.header("Authorization") == "Bearer token-abc")
            #expect(request.header("Content-Type") == "application/json")
            let body = try request.json()
            #expect(Set(body.keys) == Set(fixture.keys))
            #expect(body["messaging_product"] as? String == fixture["messaging_product"] as? String)
            #expect(body["recipient_type"] as? String == fixture["recipient_type"] as? String)
            #expect(body["to"] as? String == fixture["to"] as? String)
            #expect(body["type"] as? String == fixture["type"] as? String)
            let sentText = try #require(body["text"] as? [String: Any])
            #expect(sentText["body"] as? String == text)
            #expect(sentText["preview_url"] as? Bool == fixtureText["preview_url"] as? Bool)
        }
    }

    @Test func retriesA429AfterRetryAfterThenSends() async throws {
        try await FakeVendorServer.with { server in
            server.script(
                Self.path,
                [
                    .json(
                        429, #"{"error":{"message":"Rate limit hit","code":130429}}"#, headers: ["Retry-After": "2"]),
                    .json(200, try Self.sendResponse()),
                ])
            let clock = ProvidersTestClock()
            let outcome = try await adapter(server, clock: clock).deliver(try reply("Hi"))
            #expect(outcome == .sent(providerMessageId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"))
            #expect(server.requests(to: Self.path).count == 2)
            #expect(clock.sleeps == [.seconds(2)])
        }
    }

    @Test func repeated500sEndAsARetriableFailure() async throws {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(500, #"{"error":{"message":"Service temporarily unavailable","code":2}}"#)])
            let clock = ProvidersTestClock()
            let outcome = try await adapter(server, clock: clock, maxAttempts: 4).deliver(try reply("Hi"))
            #expect(outcome == .retriableFailure(reason: "Service temporarily unavailable (code 2)"))
            #expect(server.requests(to: Self.path).count == 4)
            // Full jitter with random 1: the ceilings 100, 200, 400 ms.
            #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        }
    }

    @Test func a400IsPermanentWithTheProvidersError() async throws {
        try await FakeVendorServer.with { server in
            server.script(
                Self.path,
                [
                    .json(
                        400,
                        #"{"error":{"message":"(#131030) Recipient phone number not in allowed list","type":"OAuthException","code":131030,"fbtrace_id":"Az8or"}}"#
                    )
                ])
            let outcome = try await adapter(server, clock: ProvidersTestClock()).deliver(try reply("Hi"))
            #expect(
                outcome
                    == .permanentFailure(reason: "(#131030) Recipient phone number not in allowed list (code 131030)"))
            #expect(server.requests(to: Self.path).count == 1)
        }
    }

    @Test func longTextIsSentInParts() async throws {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(200, try Self.sendResponse())])
            let text = (0..<1000).map { "word\($0)" }.joined(separator: " ")
            let outcome = try await adapter(server, clock: ProvidersTestClock()).deliver(try reply(text))
            #expect(outcome == .sent(providerMessageId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"))
            let bodies = try server.requests(to: Self.path).map {
                try #require((try $0.json()["text"] as? [String: Any])?["body"] as? String)
            }
            #expect(bodies.count == 2)
            #expect(bodies.allSatisfy { $0.count <= 4096 })
            #expect(bodies.joined(separator: " ") == text)
        }
    }

    @Test func unconfiguredTenantIsPermanent() async throws {
        let adapter = WhatsAppAdapter(
            secrets: ProviderFixtures.secrets([:]), configuration: ProviderConfiguration(testing: [:]))
        let outcome = try await adapter.deliver(try reply("Hi"))
        #expect(outcome == .permanentFailure(reason: "WhatsApp is not configured for tenant acme"))
    }
}
