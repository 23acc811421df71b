import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// customer-identification records when a customer last wrote on WhatsApp, at most once a minute per customer.
@Suite("customer-identification and the WhatsApp window")
struct WhatsAppWindowIdentificationTests {
    @Test func whenTheCustomerLastWroteOnWhatsAppIsRecordedWithoutAWritePerMessage() async throws {
        let unit = IdentificationBatchTests()
        let store = InMemoryIdentityStore()
        let handler = IdentificationHandler(profiles: store, environment: try await StageTestEnvironment.inMemory())
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ids = unit.customers(
            try await handler.handle(
                unit.batch([
                    inbound("hi", from: "+491701234567", channel: .whatsapp, at: start),
                    inbound("web", from: "web-1", at: start),
                    inbound("sms", from: "+491709999999", channel: .sms, at: start),
                ])))
        let whatsApp = try #require(ids[0])
        func lastInbound(_ id: String?) -> [Channel: Date]? {
            store.state.withLock { state in id.flatMap { state.profiles[$0]?.lastInboundAt } }
        }
        #expect(lastInbound(whatsApp) == [.whatsapp: start])
        #expect(lastInbound(ids[1]) == [:], "web chat has no window")
        #expect(lastInbound(ids[2]) == [:], "SMS has no window")

        // Within the tolerance of the stored time: no write at all.
        let calls = store.state.withLock { $0.calls }
        _ = try await handler.handle(
            unit.batch([inbound("more", from: "+491701234567", channel: .whatsapp, at: start.addingTimeInterval(30))]))
        #expect(store.state.withLock { $0.calls } == calls)
        #expect(lastInbound(whatsApp) == [.whatsapp: start])

        // Past it: one write, the latest message of the batch.
        _ = try await handler.handle(
            unit.batch([
                inbound("a", from: "+491701234567", channel: .whatsapp, at: start.addingTimeInterval(120)),
                inbound("b", from: "+491701234567", channel: .whatsapp, at: start.addingTimeInterval(125)),
            ]))
        #expect(store.state.withLock { $0.calls } == calls + 1)
        #expect(lastInbound(whatsApp) == [.whatsapp: start.addingTimeInterval(125)])
    }
}

/// channel-webhook's outbound stage against the real database, with its clock in the test's hands: a WhatsApp
/// reply inside the window goes out as written, outside it as the tenant's template, or is refused.
@Suite("The outbound stage and the WhatsApp window")
struct WhatsAppWindowStageTests {
    typealias Twilio = TwilioWhatsAppOutboundTests
    static let lastMessage = Date(timeIntervalSince1970: 1_800_000_000)

    func tenants(_ template: WhatsAppTemplate?) throws -> TenantDirectory {
        var tenant = TenantConfiguration(id: "acme")
        tenant.whatsapp.templates.reengage = template
        return try TenantDirectory(tenants: [tenant])
    }

    /// A stored customer who last wrote on WhatsApp at ``lastMessage``.
    func customer(in database: SwitchboardDatabase) async throws -> String {
        let id = "customer-\(UUID().uuidString.lowercased())"
        let profile = CustomerProfile(
            id: id, tenantId: "acme", identities: [ChannelIdentity(channel: .whatsapp, externalId: "+31612345678")],
            phones: ["+31612345678"], createdAt: Self.lastMessage, updatedAt: Self.lastMessage)
        try await database.profiles.save(created: [profile], changed: [])
        try await database.profiles.recordInbound([
            InboundMark(customerId: id, channel: .whatsapp, at: Self.lastMessage)
        ])
        // A message redelivered late does not move the time back.
        try await database.profiles.recordInbound([
            InboundMark(customerId: id, channel: .whatsapp, at: Self.lastMessage.addingTimeInterval(-3600))
        ])
        return id
    }

    func reply(to customerId: String) -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: .whatsapp, direction: .outbound, externalId: "+31612345678",
            customerId: customerId, content: .text("Your refund\nwas approved"), receivedAt: Self.lastMessage,
            traceId: "t-window", sender: .agent(id: "a-1"))
    }

    /// Delivers `envelope` at `hours` after the customer's message; the permanent failure, if any.
    func deliver(
        _ envelope: Envelope, afterHours hours: Double, template: WhatsAppTemplate?, server: FakeVendorServer,
        test: StageTestEnvironment, records: LogRecords
    ) async throws -> StageFailure? {
        let handler = OutboundDeliveryHandler(
            adapters: ChannelAdapterRegistry([Twilio().adapter(server, Twilio.meta)]), database: test.database,
            tenants: try tenants(template), now: { Self.lastMessage.addingTimeInterval(hours * 3600) })
        let context = StageContext(
            logger: records.logger(label: "channel-webhook-outbound"), topic: test.topics.outbound, partition: 0,
            offset: 0, topics: test.topics)
        do {
            _ = try await handler.handle(envelope, context: context)
            return nil
        } catch let failure as StageFailure {
            return failure
        }
    }

    /// Runs `body` with a fresh test database, the fake Graph API scripted to accept, and a reply to a customer
    /// stored there.
    func withReply(
        _ body: @Sendable (Envelope, FakeVendorServer, StageTestEnvironment) async throws -> Void
    ) async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            try Twilio().script(server)
            try await body(reply(to: try await customer(in: test.database)), server, test)
        }
    }

    @Test func theStoredTimeOnlyMovesForward() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let id = try await customer(in: test.database)
        #expect(try await test.database.profiles.profile(id: id)?.lastInboundAt == [.whatsapp: Self.lastMessage])
        let facts = try await test.database.profiles.outboundFacts(customerIds: [id, "nobody"])
        #expect(facts == [id: OutboundCustomerFacts(lastInbound: [.whatsapp: Self.lastMessage])])
    }

    @Test func insideTheWindowTheReplyGoesOutAsWritten() async throws {
        try await withReply { envelope, server, test in
            let failure = try await deliver(
                envelope, afterHours: 23.9, template: WhatsAppWindowDecisionTests.template, server: server, test: test,
                records: LogRecords())
            #expect(failure == nil)
            let body = try #require(try server.requests(to: Twilio.graphPath).first?.json())
            #expect(body["type"] as? String == "text")
            #expect((body["text"] as? [String: Any])?["body"] as? String == "Your refund\nwas approved")
            #expect(try await test.database.messages.message(id: envelope.id)?.status == "sent")
        }
    }

    @Test func outsideTheWindowTheReplyGoesOutAsTheTenantsTemplate() async throws {
        try await withReply { envelope, server, test in
            let failure = try await deliver(
                envelope, afterHours: 24, template: WhatsAppWindowDecisionTests.template, server: server, test: test,
                records: LogRecords())
            #expect(failure == nil)
            let requests = server.requests(to: Twilio.graphPath)
            #expect(requests.count == 1)
            let body = try #require(try requests.first?.json())
            #expect(body["type"] as? String == "template")
            let template = try #require(body["template"] as? [String: Any])
            #expect(template["name"] as? String == "conversation_update")
            let stored = try #require(try await test.database.messages.message(id: envelope.id))
            #expect(stored.status == "sent")
            #expect(stored.provider_message_id == "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA")
        }
    }

    @Test func outsideTheWindowWithoutATemplateTheReplyIsRefusedRecordedAndNotSent() async throws {
        try await withReply { envelope, server, test in
            let records = LogRecords()
            let failure = try #require(
                try await deliver(
                    envelope, afterHours: 25, template: nil, server: server, test: test, records: records))
            #expect(failure.reason.contains("customer-service window"), "\(failure.reason)")
            #expect(server.requests.isEmpty, "nothing goes to the provider")
            let stored = try #require(try await test.database.messages.message(id: envelope.id))
            #expect(stored.status == "failed")
            #expect(stored.error?.contains("whatsapp.templates.reengage") == true, "\(stored.error ?? "")")
            let warnings = records.atOrAbove(.warning)
            #expect(warnings.contains { $0.message.contains("customer-service window is closed") })
            for record in records.all {
                #expect(!record.description.contains("31612345678"), "\(record)")
                #expect(!record.description.contains("refund"), "\(record)")
            }

            // Kafka redelivers it: refused again, still not sent, and no retry loop (a permanent failure).
            let again = try await deliver(
                envelope, afterHours: 26, template: nil, server: server, test: test, records: records)
            #expect(again != nil)
            #expect(server.requests.isEmpty)
            #expect(try await test.database.messages.message(id: envelope.id)?.status == "failed")
        }
    }
}
