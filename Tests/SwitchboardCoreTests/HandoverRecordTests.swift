import Foundation
import SwitchboardCore
import Testing

@Suite("Handover state machine")
struct HandoverRecordTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    func waiting() -> HandoverRecord {
        HandoverRecord(
            id: "h-1", tenantId: "demo", sessionId: "s-1", customerId: "c-1", reason: .customerAskedForHuman,
            createdAt: t0)
    }

    @Test("waiting → claimed → resolved")
    func happyPath() throws {
        var record = waiting()
        #expect(record.status == .waiting)
        #expect(try record.claim(by: "agent-1", at: t0.addingTimeInterval(10)) == .claimed)
        #expect(
            record.status == .claimed && record.agentId == "agent-1" && record.claimedAt == t0.addingTimeInterval(10))
        try record.resolve(by: "agent-1", at: t0.addingTimeInterval(20))
        #expect(record.status == .resolved && record.resolvedAt == t0.addingTimeInterval(20))
    }

    @Test("a re-claim by the same agent is idempotent; another agent gets a conflict")
    func reclaim() throws {
        var record = waiting()
        try record.claim(by: "agent-1", at: t0)
        let before = record
        #expect(try record.claim(by: "agent-1", at: t0.addingTimeInterval(5)) == .alreadyClaimedBySameAgent)
        #expect(record == before)
        #expect(throws: HandoverTransitionError.claimedByAnotherAgent("agent-1")) {
            try record.claim(by: "agent-2", at: t0)
        }
        #expect(throws: HandoverTransitionError.claimedByAnotherAgent("agent-1")) {
            try record.resolve(by: "agent-2", at: t0)
        }
        #expect(record == before)
    }

    @Test("a waiting handover can be resolved; a resolved one can be neither claimed nor resolved")
    func resolved() throws {
        var record = waiting()
        try record.resolve(by: nil, at: t0)
        #expect(record.status == .resolved && record.agentId == nil)
        #expect(throws: HandoverTransitionError.alreadyResolved) { try record.claim(by: "agent-1", at: t0) }
        #expect(throws: HandoverTransitionError.alreadyResolved) { try record.resolve(by: nil, at: t0) }
    }

    @Test("a supervisor (no agent id) can resolve a claimed handover")
    func supervisor() throws {
        var record = waiting()
        try record.claim(by: "agent-1", at: t0)
        try record.resolve(by: nil, at: t0)
        #expect(record.status == .resolved && record.agentId == "agent-1")
    }
}
