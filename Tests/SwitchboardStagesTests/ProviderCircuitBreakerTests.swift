import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Each provider adapter against a fake that keeps failing: after `threshold` failed deliveries the channel
/// account's circuit opens, the next delivery sends nothing, and after the cool-down one probe goes through.
@Suite("Circuit breaker per channel account, against a fake vendor")
struct ProviderCircuitBreakerTests {
    static let threshold = 2
    static let coolDown = Duration.seconds(30)

    /// A breaker on the test's clock, retries that send once (so a delivery is one request) and rate limits
    /// high enough never to wait.
    struct Policies {
        let clock: ProvidersTestClock
        let breaker: CircuitBreaker
        let retry = RetryPolicy(maxAttempts: 1, sleep: { _ in Issue.record("a single attempt never sleeps") })
        let limiter = RateLimiter(rate: 1_000_000)

        init() {
            let clock = ProvidersTestClock()
            self.clock = clock
            breaker = CircuitBreaker(failureThreshold: threshold, coolDown: coolDown, now: { clock.now })
        }
    }

    func reply(_ channel: Channel, to externalId: String, tenant: String = "acme") -> Envelope {
        Envelope(
            id: UUID(), tenantId: tenant, channel: channel, direction: .outbound, externalId: externalId,
            content: .text("Your order AB_123 has shipped"), receivedAt: .now, traceId: "t-breaker", sender: .bot)
    }

    /// Drives `deliver` against `path` scripted to fail: opens after the threshold, refuses without a request
    /// while open, probes after the cool-down and closes on the probe's success.
    func expectBreakerCycle(
        server: FakeVendorServer, path: String, clock: ProvidersTestClock, account: String,
        failure: FakeVendorServer.ScriptedResponse, success: FakeVendorServer.ScriptedResponse,
        sentId: String, deliver: () async throws -> DeliveryOutcome
    ) async throws {
        server.script(path, [failure])
        for attempt in 1...Self.threshold {
            let outcome = try await deliver()
            guard case .retriableFailure(let reason) = outcome else {
                Issue.record("delivery \(attempt) should fail retriably, got \(outcome)")
                return
            }
            #expect(!reason.contains("circuit open"))
            #expect(server.requests(to: path).count == attempt)
        }

        // Open: no request reaches the provider, and the outcome says why.
        let refused = try await deliver()
        #expect(server.requests(to: path).count == Self.threshold)
        guard case .retriableFailure(let reason) = refused else {
            Issue.record("an open circuit should be a retriable failure, got \(refused)")
            return
        }
        #expect(reason.hasPrefix("circuit open for \(account)"))

        // Still open just before the cool-down ends.
        clock.advance(Self.coolDown - .seconds(1))
        _ = try await deliver()
        #expect(server.requests(to: path).count == Self.threshold)

        // The probe after the cool-down goes through; its success closes the circuit.
        clock.advance(.seconds(1))
        server.script(path, [success])
        #expect(try await deliver() == .sent(providerMessageId: sentId))
        #expect(try await deliver() == .sent(providerMessageId: sentId))
        #expect(server.requests(to: path).count == Self.threshold + 2)
    }

    @Test func telegramOpensPerBotAndProbesAfterTheCoolDown() async throws {
        try await FakeVendorServer.with { server in
            let policies = Policies()
            let adapter = TelegramAdapter(
                secrets: TenantSecrets(
                    tenantIds: ["acme", "beta"],
                    environment: [
                        "SWITCHBOARD_TENANT_ACME_TELEGRAM_BOT_TOKEN": "ACME-BOT",
                        "SWITCHBOARD_TENANT_BETA_TELEGRAM_BOT_TOKEN": "BETA-BOT",
                    ]),
                providers: ProviderConfiguration(testing: ["SWITCHBOARD_TELEGRAM_API_BASE": server.baseURL]),
                retry: policies.retry, circuitBreaker: policies.breaker, perBot: policies.limiter,
                perChat: policies.limiter)
            let ok = FakeVendorServer.ScriptedResponse.json(200, #"{"ok":true,"result":{"message_id":133}}"#)
            let failing = FakeVendorServer.ScriptedResponse.json(
                502, #"{"ok":false,"error_code":502,"description":"Bad Gateway"}"#)
            server.script("/botBETA-BOT/sendMessage", [ok])
            try await expectBreakerCycle(
                server: server, path: "/botACME-BOT/sendMessage", clock: policies.clock, account: "telegram:acme",
                failure: failing, success: ok, sentId: "133"
            ) {
                // Another bot is its own account: its circuit stays closed throughout.
                let other = try await adapter.deliver(reply(.telegram, to: "99", tenant: "beta"))
                #expect(other == .sent(providerMessageId: "133"))
                return try await adapter.deliver(reply(.telegram, to: "12345"))
            }
            #expect(server.requests(to: "/botBETA-BOT/sendMessage").count == Self.threshold + 4)
        }
    }

    @Test func twilioOpensPerSendingNumberAndProbesAfterTheCoolDown() async throws {
        let account = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
        try await FakeVendorServer.with { server in
            let policies = Policies()
            let adapter = TwilioAdapter(
                secrets: ProviderFixtures.secrets([
                    "TWILIO_ACCOUNT_SID": account, "TWILIO_AUTH_TOKEN": "auth-token", "TWILIO_FROM": "+15557122661",
                ]),
                providers: ProviderConfiguration(testing: ["SWITCHBOARD_TWILIO_API_BASE": server.baseURL]),
                retry: policies.retry, circuitBreaker: policies.breaker, rateLimiter: policies.limiter)
            try await expectBreakerCycle(
                server: server, path: "/2010-04-01/Accounts/\(account)/Messages.json", clock: policies.clock,
                account: "twilio:\(account)/+15557122661",
                failure: .json(500, #"{"code": 20500, "message": "Internal Server Error"}"#),
                success: .json(201, #"{"sid": "SM-probe"}"#), sentId: "SM-probe"
            ) {
                try await adapter.deliver(reply(.sms, to: "+15558675310"))
            }
        }
    }

    @Test func whatsAppOpensPerPhoneNumberAndProbesAfterTheCoolDown() async throws {
        try await FakeVendorServer.with { server in
            let policies = Policies()
            let adapter = WhatsAppAdapter(
                secrets: ProviderFixtures.secrets([
                    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922", "WHATSAPP_ACCESS_TOKEN": "token-abc",
                ]),
                configuration: ProviderConfiguration(testing: ["SWITCHBOARD_WHATSAPP_API_BASE": server.baseURL]),
                retryPolicy: policies.retry, circuitBreaker: policies.breaker, rateLimiter: policies.limiter)
            try await expectBreakerCycle(
                server: server, path: "/v21.0/106540352242922/messages", clock: policies.clock,
                account: "whatsapp:106540352242922",
                failure: .json(503, #"{"error":{"message":"Service temporarily unavailable","code":2}}"#),
                success: .json(200, #"{"messages":[{"id":"wamid.probe"}]}"#), sentId: "wamid.probe"
            ) {
                try await adapter.deliver(reply(.whatsapp, to: "+16505551234"))
            }
        }
    }

    @Test func aFailedProbeReopensTheCircuit() async throws {
        try await FakeVendorServer.with { server in
            let policies = Policies()
            let path = "/botACME-BOT/sendMessage"
            let adapter = TelegramAdapter(
                secrets: ProviderFixtures.secrets(["TELEGRAM_BOT_TOKEN": "ACME-BOT"]),
                providers: ProviderConfiguration(testing: ["SWITCHBOARD_TELEGRAM_API_BASE": server.baseURL]),
                retry: policies.retry, circuitBreaker: policies.breaker, perBot: policies.limiter,
                perChat: policies.limiter)
            server.script(path, [.json(500, #"{"ok":false,"description":"Internal Server Error"}"#)])
            for _ in 1...Self.threshold { _ = try await adapter.deliver(reply(.telegram, to: "1")) }
            policies.clock.advance(Self.coolDown)
            #expect(
                try await adapter.deliver(reply(.telegram, to: "1"))
                    == .retriableFailure(reason: "Internal Server Error"))
            #expect(server.requests(to: path).count == Self.threshold + 1)
            // The probe failed: open again for a whole cool-down.
            let refused = try await adapter.deliver(reply(.telegram, to: "1"))
            #expect(refused == .retriableFailure(reason: "circuit open for telegram:acme, retry in 30.0 seconds"))
            #expect(server.requests(to: path).count == Self.threshold + 1)
        }
    }

    @Test func retriesWithinOneDeliveryStopOnceTheCircuitOpens() async throws {
        try await FakeVendorServer.with { server in
            let clock = ProvidersTestClock()
            let path = "/botACME-BOT/sendMessage"
            let adapter = TelegramAdapter(
                secrets: ProviderFixtures.secrets(["TELEGRAM_BOT_TOKEN": "ACME-BOT"]),
                providers: ProviderConfiguration(testing: ["SWITCHBOARD_TELEGRAM_API_BASE": server.baseURL]),
                retry: ProviderFixtures.instantRetries(maxAttempts: 5, clock: clock),
                circuitBreaker: CircuitBreaker(failureThreshold: 2, coolDown: .seconds(60), now: { clock.now }),
                perBot: RateLimiter(rate: 1_000_000), perChat: RateLimiter(rate: 1_000_000))
            server.script(path, [.json(500, #"{"ok":false,"description":"Internal Server Error"}"#)])
            let outcome = try await adapter.deliver(reply(.telegram, to: "1"))
            guard case .retriableFailure(let reason) = outcome else {
                Issue.record("expected a retriable failure, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("circuit open for telegram:acme"))
            // Two failures opened the circuit; the third attempt never reached Telegram.
            #expect(server.requests(to: path).count == 2)
        }
    }
}
