import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("Twilio Messages against a fake REST API")
struct TwilioOutboundTests {
    static let account = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
    static let path = "/2010-04-01/Accounts/\(account)/Messages.json"

    func adapter(
        _ server: FakeVendorServer, waits: TelegramRecordedWaits, maxAttempts: Int = 3
    )
        -> TwilioAdapter
    {
        TwilioAdapter(
            secrets: TenantSecrets(
                tenantIds: ["acme"],
                environment: [
                    "SWITCHBOARD_TENANT_ACME_TWILIO_ACCOUNT_SID": Self.account,
                    "SWITCHBOARD_TENANT_ACME_TWILIO_AUTH_TOKEN": "auth-token",
                    "SWITCHBOARD_TENANT_ACME_TWILIO_FROM": "+15557122661",
                ]),
            providers: ProviderConfiguration(testing: ["SWITCHBOARD_TWILIO_API_BASE": server.baseURL]),
            retry: waits.policy(maxAttempts: maxAttempts))
    }

    func reply(_ text: String, to: String = "+15558675310", channel: Channel = .sms) -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: channel, direction: .outbound, externalId: to,
            content: .text(text), receivedAt: .now, traceId: "t-1", sender: .bot)
    }

    func created() throws -> String {
        String(decoding: try TwilioFixture.bytes("send_message_response.json"), as: UTF8.self)
    }

    @Test func sendsTheDocumentedRequestAndReturnsTheSid() async throws {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(201, try created())])
            let outcome = try await adapter(server, waits: TelegramRecordedWaits()).deliver(
                reply("Hi there"))
            #expect(outcome == .sent(providerMessageId: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
            let sent = try #require(server.requests(to: Self.path).first)
            #expect(sent.method == "POST")
            #expect(sent.body == (try TwilioFixture.bytes("send_message_request.form")))
            #expect(sent.header("Content-Type") == "application/x-www-form-urlencoded")
            let basic = Data("\(Self.account):auth-token".utf8).base64EncodedString()
            #expect(sent.header("Authorization") == "Basic \(basic)")
        }
    }

    @Test func whatsAppAddressesArePrefixed() async throws {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(201, try created())])
            _ = try await adapter(server, waits: TelegramRecordedWaits()).deliver(
                reply("Hi", to: "+31612345678", channel: .whatsapp))
            let form = TwilioForm(body: try #require(server.requests(to: Self.path).first).body)
            #expect(form["To"] == "whatsapp:+31612345678")
            #expect(form["From"] == "whatsapp:+15557122661")
        }
    }

    @Test func clientErrorsArePermanentAndRateLimitsRetried() async throws {
        try await FakeVendorServer.with { server in
            server.script(
                Self.path,
                [.json(400, #"{"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}"#)])
            let waits = TelegramRecordedWaits()
            let refused = try await adapter(server, waits: waits).deliver(reply("Hi"))
            #expect(
                refused
                    == .permanentFailure(
                        reason: "twilio answered 400 (error 21211): Invalid 'To' Phone Number"))
            server.script(
                Self.path,
                [
                    .json(
                        429, #"{"code": 20429, "message": "Too Many Requests"}"#, headers: ["Retry-After": "1"]),
                    .json(201, try created()),
                ])
            let sent = try await adapter(server, waits: waits).deliver(reply("Hi"))
            #expect(sent == .sent(providerMessageId: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
            #expect(waits.waits.withLock { $0 } == [.seconds(1)])
            server.script(Self.path, [.init(status: 503)])
            let failed = try await adapter(server, waits: waits, maxAttempts: 2).deliver(reply("Hi"))
            #expect(failed == .retriableFailure(reason: "twilio answered 503"))
            #expect(server.requests(to: Self.path).count == 5)
        }
    }

    @Test func longSMSIsSentAsSeveralMessages() async throws {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(201, try created())])
            let text = String(repeating: "segment ", count: 300)
            _ = try await adapter(server, waits: TelegramRecordedWaits()).deliver(reply(text))
            let bodies = server.requests(to: Self.path).compactMap { TwilioForm(body: $0.body)["Body"] }
            #expect(bodies.count == 2)
            #expect(bodies.allSatisfy { $0.utf16.count <= 1600 })
        }
    }
}
