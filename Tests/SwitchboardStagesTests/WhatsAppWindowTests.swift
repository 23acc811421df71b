import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The 24-hour customer-service window of WhatsApp as a pure decision, with the clock in the test's hands.
@Suite("WhatsApp customer-service window: the decision")
struct WhatsAppWindowDecisionTests {
    static let lastMessage = Date(timeIntervalSince1970: 1_800_000_000)
    static let template = WhatsAppTemplate(
        name: "conversation_update", language: "en_US", parameters: ["{reply}"],
        twilioContentSid: "HXb5b62575e6e4ff6129ad7c8efe1f983e")

    func decide(
        after seconds: TimeInterval, channel: Channel = .whatsapp, template: WhatsAppTemplate? = nil
    )
        -> ServiceWindow.Decision
    {
        ServiceWindow.decide(
            channel: channel, lastInbound: Self.lastMessage, now: Self.lastMessage.addingTimeInterval(seconds),
            template: template)
    }

    @Test func insideTheWindowAReplyGoesOutAsWritten() {
        #expect(decide(after: 0) == .freeForm)
        #expect(decide(after: 23 * 3600 + 3599) == .freeForm)
        #expect(decide(after: 24 * 3600 - 0.001, template: Self.template) == .freeForm)
    }

    @Test func exactlyTwentyFourHoursAfterTheCustomersMessageTheWindowIsClosed() {
        #expect(decide(after: 24 * 3600, template: Self.template) == .template(Self.template))
        guard case .refused = decide(after: 24 * 3600) else {
            Issue.record("a reply at exactly 24 h without a template must be refused")
            return
        }
    }

    @Test func outsideTheWindowTheTenantsTemplateGoesOut() {
        #expect(decide(after: 25 * 3600, template: Self.template) == .template(Self.template))
        #expect(decide(after: 30 * 24 * 3600, template: Self.template) == .template(Self.template))
    }

    @Test func outsideTheWindowWithoutATemplateTheReplyIsRefusedWithAClearReason() throws {
        guard case .refused(let reason) = decide(after: 25 * 3600) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(reason.contains("customer-service window"), "\(reason)")
        #expect(reason.contains("24 h"), "\(reason)")
        #expect(reason.contains("whatsapp.templates.reengage"), "\(reason)")
    }

    @Test func aCustomerWhoNeverWroteThereIsOutsideTheWindow() {
        let now = Self.lastMessage
        #expect(
            ServiceWindow.decide(channel: .whatsapp, lastInbound: nil, now: now, template: Self.template)
                == .template(Self.template))
        #expect(!ServiceWindow.isOpen(lastInbound: nil, now: now, length: ServiceWindow.whatsApp))
    }

    @Test func channelsWithoutAWindowAlwaysTakeAReply() {
        for channel in [Channel.sms, .telegram, .messenger, .webchat] {
            #expect(decide(after: 90 * 24 * 3600, channel: channel) == .freeForm, "\(channel)")
            #expect(
                ServiceWindow.decide(channel: channel, lastInbound: nil, now: Self.lastMessage, template: nil)
                    == .freeForm)
        }
    }

    @Test func theReplyFillsItsPlaceholderOnOneLineAndLongTextIsCut() {
        let template = WhatsAppTemplate(
            name: "update", language: "en", parameters: ["Acme", "{reply}", "Ref: {reply}!"])
        #expect(
            template.parameterValues(reply: "Your order\n\nhas\tshipped   today")
                == ["Acme", "Your order has shipped today", "Ref: Your order has shipped today!"])
        let long = template.parameterValues(reply: String(repeating: "a", count: 5000))
        #expect(long[1].count == WhatsAppTemplate.longestParameter)
        #expect(long[1].hasSuffix("…"))
    }
}

/// The template in the tenants file: read and checked at start-up.
@Suite("WhatsApp templates in the tenants file")
struct WhatsAppTemplateConfigurationTests {
    func parse(_ fields: [String]) throws(TenantConfigurationError) -> TenantDirectory {
        let lines = ["tenants:", "  - id: acme", "    whatsapp:", "      templates:", "        reengage:"]
        return try TenantDirectory(parsing: (lines + fields.map { "          " + $0 }).joined(separator: "\n"))
    }

    @Test func aTemplateIsRead() throws {
        let tenants = try parse([
            "name: conversation_update", "language: en_US", #"parameters: ["{reply}", "Acme"]"#,
            "twilio_content_sid: HXb5b62575e6e4ff6129ad7c8efe1f983e",
        ])
        let template = try #require(tenants.tenant(id: "acme")?.whatsapp.templates.reengage)
        #expect(template == WhatsAppWindowDecisionTests.template.with(parameters: ["{reply}", "Acme"]))
        let none = try TenantDirectory(parsing: "tenants:\n  - id: plain\n")
        #expect(none.tenant(id: "plain")?.whatsapp.templates.reengage == nil)
    }

    @Test(arguments: [
        (["language: en_US"], "needs a name (Meta) or a twilio_content_sid"),
        (["name: Conversation-Update", "language: en_US"], ".name must be lowercase letters"),
        (["name: update"], ".language must be a language code"),
        (["twilio_content_sid: HX123"], "twilio_content_sid must be HX and 32 hex digits"),
        (["name: update", "language: en", #"parameters: [""]"#], "parameters must be 1 to 1000"),
    ])
    func anInvalidTemplateStopsTheStart(fields: [String], expected: String) {
        do {
            _ = try parse(fields)
            Issue.record("accepted: \(fields)")
        } catch {
            let message = String(describing: error)
            #expect(message.contains("tenant 'acme': whatsapp.templates.reengage"), "\(message)")
            #expect(message.contains(expected), "\(message)")
        }
    }
}

extension WhatsAppTemplate {
    func with(parameters: [String]) -> WhatsAppTemplate {
        var copy = self
        copy.parameters = parameters
        return copy
    }
}

/// The template messages against a fake vendor: the request each provider documents, and the route back through
/// the provider the customer wrote through.
@Suite("WhatsApp templates and reply routes against the fake vendors")
struct WhatsAppTemplateDeliveryTests {
    typealias Twilio = TwilioWhatsAppOutboundTests
    static let template = WhatsAppWindowDecisionTests.template

    func reply(_ text: String = "Your order\nhas shipped", provider: WhatsAppProvider? = nil) -> Envelope {
        var envelope = Envelope(
            id: UUID(), tenantId: "acme", channel: .whatsapp, direction: .outbound, externalId: "+31612345678",
            content: .text(text), receivedAt: .now, traceId: "t-1", sender: .agent(id: "a-1"))
        envelope.provider = provider?.rawValue
        return envelope
    }

    @Test func theCloudAPITemplateMessageHasTheDocumentedShape() async throws {
        try await FakeVendorServer.with { server in
            try Twilio().script(server)
            let adapter = Twilio().adapter(server, Twilio.meta)
            let outcome = try await adapter.deliverTemplate(Self.template, for: reply(), progress: DeliveryProgress())
            #expect(outcome == .sent(providerMessageId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"))
            let request = try #require(server.requests(to: Twilio.graphPath).first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.header("Authorization") == "Bearer token-abc")
            #expect(request.header("Content-Type") == "application/json")
            let body = try request.json()
            #expect(body["messaging_product"] as? String == "whatsapp")
            #expect(body["to"] as? String == "+31612345678")
            #expect(body["type"] as? String == "template")
            #expect(body["text"] == nil)
            let template = try #require(body["template"] as? [String: Any])
            #expect(template["name"] as? String == "conversation_update")
            #expect((template["language"] as? [String: Any])?["code"] as? String == "en_US")
            let components = try #require(template["components"] as? [[String: Any]])
            #expect(components.count == 1)
            #expect(components.first?["type"] as? String == "body")
            let parameters = try #require(components.first?["parameters"] as? [[String: Any]])
            #expect(parameters.count == 1)
            #expect(parameters.first?["type"] as? String == "text")
            #expect(parameters.first?["text"] as? String == "Your order has shipped")
        }
    }

    @Test func theTwilioTemplateMessageCarriesTheContentSidAndItsVariables() async throws {
        try await FakeVendorServer.with { server in
            try Twilio().script(server, sid: "SM-template")
            let adapter = Twilio().adapter(server, Twilio.twilio)
            let outcome = try await adapter.deliverTemplate(
                Self.template.with(parameters: ["{reply}", "Acme"]), for: reply(), progress: DeliveryProgress())
            #expect(outcome == .sent(providerMessageId: "SM-template"))
            let request = try #require(server.requests(to: Twilio.twilioPath).first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            let basic = Data("\(Twilio.account):auth-token".utf8).base64EncodedString()
            #expect(request.header("Authorization") == "Basic \(basic)")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            let form = TwilioForm(body: request.body)
            #expect(form["To"] == "whatsapp:+31612345678")
            #expect(form["From"] == "whatsapp:+14123456789")
            #expect(form["ContentSid"] == "HXb5b62575e6e4ff6129ad7c8efe1f983e")
            #expect(form["Body"] == nil)
            let variables = try #require(form["ContentVariables"])
            let decoded = try JSONSerialization.jsonObject(with: Data(variables.utf8)) as? [String: String]
            #expect(decoded == ["1": "Your order has shipped", "2": "Acme"])
        }
    }

    @Test func aTemplateWithoutThePartItsProviderNeedsIsRefusedWithoutARequest() async throws {
        try await FakeVendorServer.with { server in
            try Twilio().script(server)
            let twilioOnly = WhatsAppTemplate(
                name: nil, language: nil, twilioContentSid: Self.template.twilioContentSid)
            let meta = try await Twilio().adapter(server, Twilio.meta).deliverTemplate(
                twilioOnly, for: reply(), progress: DeliveryProgress())
            #expect(
                meta
                    == .permanentFailure(
                        reason:
                            "the customer-service window is closed and whatsapp.templates.reengage has no name for Meta"
                    ))
            let metaOnly = WhatsAppTemplate(name: "update", language: "en")
            let twilio = try await Twilio().adapter(server, Twilio.twilio).deliverTemplate(
                metaOnly, for: reply(), progress: DeliveryProgress())
            #expect(
                twilio
                    == .permanentFailure(
                        reason:
                            "the customer-service window is closed and whatsapp.templates.reengage has no twilio_content_sid"
                    ))
            #expect(server.requests.isEmpty)
        }
    }

    /// A tenant on Meta by default whose customer wrote through Twilio is answered through Twilio, and the
    /// other way round.
    @Test func aReplyGoesOutThroughTheProviderTheCustomerWroteThrough() async throws {
        try await FakeVendorServer.with { server in
            try Twilio().script(server)
            let both = Twilio.meta.merging(Twilio.twilio) { $1 }
            let metaByDefault = Twilio().adapter(server, both)
            _ = try await metaByDefault.deliver(reply(provider: .twilio))
            #expect(server.requests(to: Twilio.twilioPath).count == 1)
            #expect(server.requests(to: Twilio.graphPath).isEmpty)
            _ = try await metaByDefault.deliverTemplate(
                Self.template, for: reply(provider: .twilio), progress: DeliveryProgress())
            #expect(server.requests(to: Twilio.twilioPath).count == 2)
            #expect(server.requests(to: Twilio.graphPath).isEmpty)

            let twilioByDefault = Twilio().adapter(server, both.merging(["WHATSAPP_PROVIDER": "twilio"]) { $1 })
            _ = try await twilioByDefault.deliver(reply(provider: .meta))
            #expect(server.requests(to: Twilio.graphPath).count == 1)
            // Without a recorded provider, the tenant's default.
            _ = try await twilioByDefault.deliver(reply())
            #expect(server.requests(to: Twilio.twilioPath).count == 3)
        }
    }

    @Test func inboundMessagesRecordTheProviderAndRepliesCarryItOn() throws {
        let twilioForm = TwilioForm(body: try TwilioFixture.bytes("inbound_whatsapp_text.form"))
        let viaTwilio = try #require(
            try TwilioEnvelopeBuilder().envelopes(form: twilioForm, tenantId: "acme", traceId: "t", receivedAt: .now)
                .first)
        #expect(viaTwilio.channel == .whatsapp)
        #expect(viaTwilio.provider == "twilio")
        let viaMeta = try #require(try WhatsAppParseTests().parse("text.json").first)
        #expect(viaMeta.provider == "meta")
        let reply = viaTwilio.reply(content: .text("hi"), sender: .bot, stage: "nlp-plugin", at: .now)
        #expect(reply.provider == "twilio")
        let decoded = try EnvelopeCodec().decode(try EnvelopeCodec().encode(reply))
        #expect(decoded.provider == "twilio")
    }
}
