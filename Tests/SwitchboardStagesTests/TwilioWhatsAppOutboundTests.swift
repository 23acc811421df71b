import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// A tenant whose WhatsApp number is on Twilio gets its WhatsApp replies through Twilio's Messages resource.
@Suite("WhatsApp replies through Twilio")
struct TwilioWhatsAppOutboundTests {
    static let account = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
    static let twilioPath = "/2010-04-01/Accounts/\(account)/Messages.json"
    static let graphPath = "/v21.0/106540352242922/messages"
    static let twilio = [
        "TWILIO_ACCOUNT_SID": account, "TWILIO_AUTH_TOKEN": "auth-token", "TWILIO_FROM": "+14123456789",
    ]
    static let meta = ["WHATSAPP_PHONE_NUMBER_ID": "106540352242922", "WHATSAPP_ACCESS_TOKEN": "token-abc"]

    func adapter(_ server: FakeVendorServer, _ credentials: [String: String]) -> WhatsAppAdapter {
        WhatsAppAdapter(
            secrets: ProviderFixtures.secrets(credentials),
            configuration: ProviderConfiguration(testing: [
                "SWITCHBOARD_WHATSAPP_API_BASE": server.baseURL, "SWITCHBOARD_TWILIO_API_BASE": server.baseURL,
            ]),
            retryPolicy: ProviderFixtures.instantRetries(clock: ProvidersTestClock()),
            rateLimiter: RateLimiter(rate: 1_000_000), twilioRateLimiter: RateLimiter(rate: 1_000_000))
    }

    func reply(_ text: String = "Your order AB_123 has shipped") -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: .whatsapp, direction: .outbound, externalId: "+31612345678",
            content: .text(text), receivedAt: .now, traceId: "t-1", sender: .bot)
    }

    func script(_ server: FakeVendorServer, sid: String = "SMdf55df64a2ff4920bb0748193cfbb640") throws {
        server.script(Self.twilioPath, [.json(201, #"{"sid": "\#(sid)", "status": "queued"}"#)])
        server.script(Self.graphPath, [.json(200, try WhatsAppOutboundTests.sendResponse())])
    }

    @Test func aTwilioTenantsReplyGoesToTheMessagesResourceWithWhatsAppAddresses() async throws {
        try await FakeVendorServer.with { server in
            try script(server)
            let credentials = Self.twilio.merging(["WHATSAPP_PROVIDER": "twilio"]) { $1 }
            let outcome = try await adapter(server, credentials).deliver(reply())
            #expect(outcome == .sent(providerMessageId: "SMdf55df64a2ff4920bb0748193cfbb640"))
            #expect(server.requests(to: Self.graphPath).isEmpty)
            let sent = try #require(server.requests(to: Self.twilioPath).first)
            let form = TwilioForm(body: sent.body)
            #expect(form["To"] == "whatsapp:+31612345678")
            #expect(form["From"] == "whatsapp:+14123456789")
            #expect(form["Body"] == "Your order AB_123 has shipped")
            let basic = Data("\(Self.account):auth-token".utf8).base64EncodedString()
            #expect(sent.header("Authorization") == "Basic \(basic)")
        }
    }

    @Test func aMetaTenantsReplyStillGoesToTheGraphAPI() async throws {
        try await FakeVendorServer.with { server in
            try script(server)
            // Both sets of credentials, provider unset: Meta, as before.
            let outcome = try await adapter(server, Self.meta.merging(Self.twilio) { $1 }).deliver(reply())
            #expect(outcome == .sent(providerMessageId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"))
            #expect(server.requests(to: Self.twilioPath).isEmpty)
            let body = try #require(try server.requests(to: Self.graphPath).first?.json())
            #expect(body["to"] as? String == "+31612345678")
            // Explicitly meta: the same.
            let explicit = Self.meta.merging(Self.twilio) { $1 }.merging(["WHATSAPP_PROVIDER": "Meta"]) { $1 }
            _ = try await adapter(server, explicit).deliver(reply())
            #expect(server.requests(to: Self.graphPath).count == 2)
            #expect(server.requests(to: Self.twilioPath).isEmpty)
        }
    }

    @Test func aTenantWithOnlyTwilioCredentialsIsOnTwilioByDefault() async throws {
        try await FakeVendorServer.with { server in
            try script(server, sid: "SM-default")
            let outcome = try await adapter(server, Self.twilio).deliver(reply())
            #expect(outcome == .sent(providerMessageId: "SM-default"))
            #expect(server.requests(to: Self.twilioPath).count == 1)
            #expect(server.requests(to: Self.graphPath).isEmpty)
        }
    }

    @Test func anExplicitProviderWithoutItsCredentialsOrAnUnknownOneIsPermanent() async throws {
        try await FakeVendorServer.with { server in
            try script(server)
            let metaWithoutToken = try await adapter(
                server, Self.twilio.merging(["WHATSAPP_PROVIDER": "meta"]) { $1 }
            ).deliver(reply())
            #expect(metaWithoutToken == .permanentFailure(reason: "WhatsApp is not configured for tenant acme"))
            let twilioWithoutSid = try await adapter(
                server, Self.meta.merging(["WHATSAPP_PROVIDER": "twilio"]) { $1 }
            ).deliver(reply())
            #expect(twilioWithoutSid == .permanentFailure(reason: "twilio is not configured for this tenant"))
            let unknown = try await adapter(
                server, Self.meta.merging(["WHATSAPP_PROVIDER": "360dialog"]) { $1 }
            ).deliver(reply())
            #expect(unknown == .permanentFailure(reason: "WHATSAPP_PROVIDER of tenant acme is not meta or twilio"))
            #expect(server.requests.isEmpty)
        }
    }

    @Test func theProviderChoice() {
        #expect(WhatsAppProvider(configured: nil, hasMetaToken: true, hasTwilio: true) == .meta)
        #expect(WhatsAppProvider(configured: nil, hasMetaToken: false, hasTwilio: true) == .twilio)
        #expect(WhatsAppProvider(configured: nil, hasMetaToken: false, hasTwilio: false) == .meta)
        #expect(WhatsAppProvider(configured: " TWILIO ", hasMetaToken: true, hasTwilio: false) == .twilio)
        #expect(WhatsAppProvider(configured: "meta", hasMetaToken: false, hasTwilio: true) == .meta)
        #expect(WhatsAppProvider(configured: "gupshup", hasMetaToken: true, hasTwilio: true) == nil)
    }

    /// A status callback for the message names it by the sid the send returned: the key the message store
    /// matches statuses on (tenant and provider message id).
    @Test func statusCallbacksReferToTheSidTheSendReturned() async throws {
        let form = TwilioForm(body: try TwilioFixture.bytes("status_callback_whatsapp_delivered.form"))
        let status = try #require(
            try TwilioEnvelopeBuilder().envelopes(form: form, tenantId: "acme", traceId: "t", receivedAt: .now).first)
        let sid = try #require(form["MessageSid"])
        try await FakeVendorServer.with { server in
            try script(server, sid: sid)
            let outcome = try await adapter(server, Self.twilio).deliver(reply())
            #expect(outcome == .sent(providerMessageId: sid))
        }
        #expect(status.kind == .deliveryStatus)
        #expect(status.channel == .whatsapp)
        #expect(status.relatesTo == sid)
        #expect(status.deliveryStatus?.state == .delivered)
    }
}
