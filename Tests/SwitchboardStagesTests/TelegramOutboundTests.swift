import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// Retries that do not sleep, recording the waits asked for.
final class TelegramRecordedWaits: Sendable {
    let waits = Mutex<[Duration]>([])

    func policy(maxAttempts: Int = 3) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, maxDelay: .seconds(60), random: { 0 }) { wait in
            self.waits.withLock { $0.append(wait) }
        }
    }

    func limiter(rate: Double) -> RateLimiter {
        RateLimiter(rate: rate, sleep: { wait in self.waits.withLock { $0.append(wait) } })
    }
}

@Suite("Telegram sendMessage against a fake Bot API")
struct TelegramOutboundTests {
    static let path = "/botBOT-TOKEN-1/sendMessage"

    func adapter(
        _ server: FakeVendorServer, waits: TelegramRecordedWaits, maxAttempts: Int = 3
    )
        -> TelegramAdapter
    {
        TelegramAdapter(
            secrets: TenantSecrets(
                tenantIds: ["acme"],
                environment: ["SWITCHBOARD_TENANT_ACME_TELEGRAM_BOT_TOKEN": "BOT-TOKEN-1"]),
            providers: ProviderConfiguration(testing: [
                "SWITCHBOARD_TELEGRAM_API_BASE": server.baseURL + "/"
            ]),
            retry: waits.policy(maxAttempts: maxAttempts), perBot: waits.limiter(rate: 30),
            perChat: waits.limiter(rate: 1))
    }

    func exchange() throws -> (request: [String: Any], responses: [String: String]) {
        let exchange = try TelegramFixture.json("send_message_exchange.json")
        return (
            try #require(exchange["request"] as? [String: Any]),
            try #require(exchange["responses"] as? [String: String])
        )
    }

    func reply(_ text: String, to chat: String = "12345") -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: .telegram, direction: .outbound, externalId: chat,
            content: .text(text), receivedAt: .now, traceId: "t-1", sender: .bot)
    }

    @Test func sendsTheFixtureFormFieldsAndReturnsTheMessageId() async throws {
        let (request, responses) = try exchange()
        let form = try #require(request["form"] as? [String: String])
        let method = request["method"] as? String
        let contentType = request["content_type"] as? String
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(200, try #require(responses["success_http_200"]))])
            let waits = TelegramRecordedWaits()
            let outcome = try await adapter(server, waits: waits).deliver(
                reply(try #require(form["text"]), to: try #require(form["chat_id"])))
            #expect(outcome == .sent(providerMessageId: "133"))
            let sent = server.requests(to: Self.path)
            #expect(sent.count == 1)
            let first = try #require(sent.first)
            #expect(first.method == method)
            #expect(first.header("Content-Type") == contentType)
            let fields = Dictionary(TwilioForm(body: first.body).pairs.map { ($0.name, $0.value) }) { $1 }
            // The fixture's fields, except that replies are plain text: no `parse_mode`.
            #expect(fields == form.filter { $0.key != "parse_mode" })
        }
    }

    @Test func textIsSentPlainSoMarkdownCharactersGoThroughAsTheyAre() async throws {
        let (_, responses) = try exchange()
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(200, try #require(responses["success_http_200"]))])
            let text = "Order AB_123 is *on its way* [tracking](x) `code` _see you"
            let outcome = try await adapter(server, waits: TelegramRecordedWaits()).deliver(reply(text))
            #expect(outcome == .sent(providerMessageId: "133"))
            let sent = try #require(server.requests(to: Self.path).first)
            let form = TwilioForm(body: sent.body)
            #expect(form["parse_mode"] == nil)
            #expect(!sent.bodyText.contains("parse_mode"))
            #expect(form["text"] == text)
        }
    }

    @Test func rateLimitedIsRetriedAfterRetryAfter() async throws {
        let (_, responses) = try exchange()
        try await FakeVendorServer.with { server in
            server.script(
                Self.path,
                [
                    .json(429, try #require(responses["rate_limited_http_429"])),
                    .json(200, try #require(responses["success_http_200"])),
                ])
            let waits = TelegramRecordedWaits()
            let outcome = try await adapter(server, waits: waits).deliver(reply("Simple Message"))
            #expect(outcome == .sent(providerMessageId: "133"))
            #expect(server.requests(to: Self.path).count == 2)
            #expect(waits.waits.withLock { $0 }.contains(.seconds(30)))
        }
    }

    @Test func blockedIsPermanentWithTheDescription() async throws {
        let (_, responses) = try exchange()
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(403, try #require(responses["blocked_by_user_http_403"]))])
            let outcome = try await adapter(server, waits: TelegramRecordedWaits()).deliver(reply("Hi"))
            #expect(outcome == .permanentFailure(reason: "Forbidden: bot was blocked by the user"))
            #expect(server.requests(to: Self.path).count == 1)
        }
    }

    @Test func badRequestIsPermanentAndServerErrorsAreRetriable() async throws {
        try await FakeVendorServer.with { server in
            server.script(
                Self.path,
                [.json(400, #"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#)])
            let waits = TelegramRecordedWaits()
            let refused = try await adapter(server, waits: waits).deliver(reply("Hi"))
            #expect(refused == .permanentFailure(reason: "Bad Request: chat not found"))
            server.script(
                Self.path,
                [.json(500, #"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#)])
            let failed = try await adapter(server, waits: waits, maxAttempts: 2).deliver(reply("Hi"))
            #expect(failed == .retriableFailure(reason: "Internal Server Error"))
            #expect(server.requests(to: Self.path).count == 3)
        }
    }

    @Test func longTextIsSentInParts() async throws {
        let (_, responses) = try exchange()
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(200, try #require(responses["success_http_200"]))])
            let text = String(repeating: "word ", count: 2000)
            let outcome = try await adapter(server, waits: TelegramRecordedWaits()).deliver(reply(text))
            #expect(outcome == .sent(providerMessageId: "133"))
            let parts = server.requests(to: Self.path).compactMap { TwilioForm(body: $0.body)["text"] }
            #expect(parts.count == 3)
            #expect(parts.allSatisfy { $0.utf16.count <= 4096 })
            #expect(parts.joined().filter { !$0.isWhitespace } == text.filter { !$0.isWhitespace })
        }
    }

    @Test func missingBotTokenIsPermanent() async throws {
        let adapter = TelegramAdapter(secrets: TenantSecrets(tenantIds: ["acme"], environment: [:]))
        let outcome = try await adapter.deliver(reply("Hi"))
        #expect(
            outcome == .permanentFailure(reason: "telegram bot token is not configured for this tenant"))
    }
}
