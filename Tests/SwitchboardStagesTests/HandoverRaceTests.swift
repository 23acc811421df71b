import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStages

/// A sink that takes everything (the race is about the store, not the broker).
private struct AcceptingSink: HandoverSink {
    func publish(_ records: [KafkaOutgoingRecord]) async throws {}
}

@Suite("a claim and a resolve racing on one hand-over")
struct HandoverRaceTests {
    @Test("a resolve stored between a claim's transition and its owner write still leaves the bot owning the session")
    func resolveOvertakesClaim() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        let plain = HandoverDesk(
            database: fixture.test.database, sink: AcceptingSink(), topics: fixture.test.topics,
            logger: fixture.test.logger)
        var racing = plain
        // The resolve runs, whole, after the claim was stored and before the claim writes its owner.
        racing.betweenClaimAndOwner = {
            _ = try await plain.resolve(tenantId: "demo", id: id, agentId: "ann")
        }
        _ = try await racing.claim(tenantId: "demo", id: id, agentId: "ann")
        let handover = try #require(try await fixture.test.database.handovers.handover(tenantId: "demo", id: id))
        #expect(handover.status == .resolved)
        let session = try #require(try await fixture.session())
        #expect(session.owner == .bot, "a resolved hand-over's session belongs to the bot")
    }
}
