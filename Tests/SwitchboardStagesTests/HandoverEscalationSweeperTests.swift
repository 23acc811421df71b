import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("hand-over escalation after the assign timeout, against the local database")
struct HandoverEscalationSweeperTests {
    func sweeper(_ fixture: HandoverFixture, sink: RecordingSink, at time: Date) -> HandoverEscalationSweeper {
        HandoverEscalationSweeper(
            database: fixture.test.database, sink: sink, tenants: fixture.test.environment.tenants,
            topics: fixture.test.topics, logger: fixture.test.logger, clock: { time })
    }

    @Test("unclaimed past the timeout: escalated once, the customer told once, across sweeps and replicas")
    func escalatesOnce() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        let created = try #require(try await fixture.test.database.handovers.handover(tenantId: "demo", id: id))
            .createdAt
        let sink = RecordingSink()
        let topics = fixture.test.topics

        #expect(try await sweeper(fixture, sink: sink, at: created.addingTimeInterval(59)).sweep().isEmpty)
        #expect(sink.events(on: topics.events).isEmpty)

        // Two replicas sweep at once: one marks it; both may have produced, with the same ids.
        let late = created.addingTimeInterval(61)
        async let first = sweeper(fixture, sink: sink, at: late).sweep()
        async let second = sweeper(fixture, sink: sink, at: late).sweep()
        let won = try await first.count + second.count
        #expect(won == 1)
        let events = sink.events(on: topics.events)
        #expect(events.allSatisfy { $0.type == .handoverEscalated && $0.details["handover_id"] == id })
        #expect(Set(events.map(\.id)).count == 1)
        let messages = sink.envelopes(on: topics.outbound)
        #expect(Set(messages.map(\.id)).count == 1, "the customer's message has one id whoever sends it")
        #expect(messages.first?.content == .text("Still with us? Everyone is busy; the next free person will answer."))
        #expect(messages.first?.sender == .system)
        #expect(messages.first?.externalId == fixture.request.externalId)

        // A later sweep, a restart: nothing again.
        #expect(try await sweeper(fixture, sink: sink, at: late.addingTimeInterval(600)).sweep().isEmpty)
        #expect(Set(sink.envelopes(on: topics.outbound).map(\.id)).count == 1)
        let stored = try #require(try await fixture.test.database.handovers.handover(tenantId: "demo", id: id))
        #expect(stored.escalatedAt != nil && stored.status == .waiting)
    }

    @Test("a claimed hand-over is not escalated; a closed desk sends its offline reply instead")
    func claimedAndOutOfHours() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        _ = try await fixture.desk(sink: RecordingSink()).claim(tenantId: "demo", id: id, agentId: "ann")

        var night = inbound("talk to a person", from: "visitor-night-\(UUID().uuidString.prefix(6))", tenant: "night")
        night.customerId = "customer-night-\(UUID().uuidString.prefix(6))"
        night.sessionId = UUIDv7Generator().next().uuidString.lowercased()
        night.sequence = 0
        try await fixture.test.database.messages.insertIfNew(
            MessageStore.StoredMessage(night, status: "received", at: night.receivedAt))
        _ = try await fixture.handler.handle(night, context: fixture.context)

        let sink = RecordingSink()
        let escalated = try await sweeper(fixture, sink: sink, at: Date().addingTimeInterval(120)).sweep()
        #expect(escalated.map(\.tenantId) == ["night"])
        let message = try #require(sink.envelopes(on: fixture.test.topics.outbound).first)
        #expect(message.content == .text("We are closed."))
        #expect(sink.events(on: fixture.test.topics.events).first?.details["customer_message"] == "out_of_hours")
    }
}
