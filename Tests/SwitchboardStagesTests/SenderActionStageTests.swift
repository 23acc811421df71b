import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// channel-webhook's outbound stage against the real database and a fake Send API: a sender action goes out
/// before the reply behind it, once, is never stored, and is dropped when stale, opted out or switched off.
@Suite("The outbound stage and sender actions")
struct SenderActionStageTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let path = MessengerOutboundTests.path

    func tenants(read: Bool = true, typing: Bool = true) throws -> TenantDirectory {
        var tenant = TenantConfiguration(id: "acme")
        tenant.receipts = TenantReceiptSettings(read: read, typing: typing)
        return try TenantDirectory(tenants: [tenant])
    }

    func inbound(customer: String) -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: .messenger, direction: .inbound, channelMessageId: "m_IN1",
            externalId: "1254477777772919", customerId: customer, content: .text("Hi"), receivedAt: Self.now,
            traceId: "t-1")
    }

    /// Handles `envelopes` as one batch at `now`; the results, and the Send API's requests' bodies.
    func handle(
        _ envelopes: [Envelope], tenants: TenantDirectory, at now: Date = now, status: Int = 200,
        test: StageTestEnvironment
    ) async throws -> ([StageResult], [String]) {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(status, #"{"recipient_id":"1254477777772919","message_id":"m_OUT"}"#)])
            let handler = OutboundDeliveryHandler(
                adapters: ChannelAdapterRegistry([
                    MessengerOutboundTests().adapter(server, clock: ProvidersTestClock())
                ]),
                database: test.database, tenants: tenants, now: { now })
            let batch = StageBatch(
                envelopes: envelopes, topic: test.topics.outbound, partition: 0, firstOffset: 0, generation: 0,
                topics: test.topics, logger: test.logger)
            let results = try await handler.handle(batch)
            let bodies = try server.requests(to: Self.path).map { request in
                let body = try request.json()
                if let action = body["sender_action"] as? String { return action }
                let message = body["message"] as? [String: Any]
                return "message:" + (message?["text"] as? String ?? "?")
            }
            return (results, bodies)
        }
    }

    func produced(_ results: [StageResult]) -> Bool {
        results.allSatisfy { if case .produced(let outputs) = $0 { outputs.isEmpty } else { false } }
    }

    @Test func readAndTypingGoOutBeforeTheReplyAndAreNotStored() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let message = inbound(customer: "c-\(UUID().uuidString.lowercased())")
        let signal = try #require(message.senderAction([.read, .typing], by: .bot, name: "nlp-typing", at: Self.now))
        let reply = message.reply(content: .text("Hello!"), sender: .bot, stage: "nlp", at: Self.now)
        let (results, requests) = try await handle([signal, reply], tenants: tenants(), test: test)
        #expect(produced(results))
        #expect(requests == ["mark_seen", "typing_on", "message:Hello!"])
        let stored = try await test.database.messages.messages(ids: [signal.id, reply.id])
        #expect(stored.keys.sorted() == [reply.id.uuidString.lowercased()])
    }

    @Test func aStaleOneIsDroppedAndTheReplyStillGoes() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let message = inbound(customer: "c-\(UUID().uuidString.lowercased())")
        let signal = try #require(message.senderAction([.read, .typing], by: .bot, name: "nlp-typing", at: Self.now))
        let reply = message.reply(content: .text("Late"), sender: .bot, stage: "nlp", at: Self.now)
        let (results, requests) = try await handle(
            [signal, reply], tenants: tenants(), at: Self.now.addingTimeInterval(31), test: test)
        #expect(produced(results))
        #expect(requests == ["message:Late"])
    }

    @Test func nothingForAnOptedOutCustomerOrATenantWithReceiptsOff() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let customer = "c-\(UUID().uuidString.lowercased())"
        let profile = CustomerProfile(
            id: customer, tenantId: "acme",
            identities: [ChannelIdentity(channel: .messenger, externalId: "1254477777772919")],
            createdAt: Self.now, updatedAt: Self.now)
        try await test.database.profiles.save(created: [profile], changed: [])
        let message = inbound(customer: customer)
        let signal = try #require(message.senderAction([.read, .typing], by: .bot, name: "n", at: Self.now))
        // Receipts off: nothing, though the customer may be written to.
        let (off, offRequests) = try await handle(
            [signal], tenants: tenants(read: false, typing: false), test: test)
        #expect(produced(off))
        #expect(offRequests.isEmpty)
        // Only typing on: the read receipt is left out.
        let (_, typingOnly) = try await handle([signal], tenants: tenants(read: false), test: test)
        #expect(typingOnly == ["typing_on"])
        _ = try await test.database.profiles.setOptedOut(
            true, customerId: customer, channel: .messenger, messageId: "stop-1")
        let (optedOut, optedOutRequests) = try await handle([signal], tenants: tenants(), test: test)
        #expect(produced(optedOut))
        #expect(optedOutRequests.isEmpty)
    }

    @Test func aRefusalIsTriedOnceAndNeverADeadLetter() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let message = inbound(customer: "c-\(UUID().uuidString.lowercased())")
        let signal = try #require(message.senderAction([.typing], by: .bot, name: "n", at: Self.now))
        let (results, requests) = try await handle([signal], tenants: tenants(), status: 500, test: test)
        #expect(produced(results))
        #expect(requests == ["typing_on"])
    }
}
