import Foundation
import SwitchboardCore
import Testing

@Suite("Handover transfers, wait and handle times")
struct HandoverTransferTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    func claimed(by agent: String = "ann") throws -> HandoverRecord {
        var record = HandoverRecord(
            id: "h-1", tenantId: "demo", sessionId: "s-1", customerId: "c-1", reason: .lowConfidence, createdAt: t0)
        try record.claim(by: agent, at: t0.addingTimeInterval(40))
        return record
    }

    @Test("the holder transfers to a colleague with a note; the colleague holds it, the wait ended at the first claim")
    func transferToAgent() throws {
        var record = try claimed()
        try record.transfer(by: "ann", to: "bob", note: "billing question", at: t0.addingTimeInterval(100))
        #expect(record.status == .claimed && record.agentId == "bob" && record.previousAgentId == "ann")
        #expect(record.note == "billing question" && record.transfers == 1)
        #expect(record.claimedAt == t0.addingTimeInterval(100))
        #expect(record.waitTime == 40, "the wait ended at Ann's claim")
        try record.resolve(by: "bob", at: t0.addingTimeInterval(340))
        #expect(record.handleTime == 300, "handled from the first claim to the resolve")
    }

    @Test("back to the queue: waiting again, anyone may claim; the first claim still ends the wait")
    func backToQueue() throws {
        var record = try claimed()
        try record.transfer(by: "ann", to: nil, note: "need a Spanish speaker", at: t0.addingTimeInterval(60))
        #expect(record.status == .waiting && record.agentId == nil && record.claimedAt == nil)
        #expect(record.previousAgentId == "ann" && record.transfers == 1)
        try record.claim(by: "carla", at: t0.addingTimeInterval(90))
        #expect(record.agentId == "carla" && record.waitTime == 40)
    }

    @Test("only the holder or a supervisor transfers; nobody transfers a resolved one or to its holder")
    func refusals() throws {
        var record = try claimed()
        #expect(throws: HandoverTransitionError.claimedByAnotherAgent("ann")) {
            try record.transfer(by: "bob", to: "bob", note: nil, at: t0)
        }
        #expect(throws: HandoverTransitionError.alreadyTheirs) {
            try record.transfer(by: "ann", to: "ann", note: nil, at: t0)
        }
        try record.transfer(by: nil, to: "bob", note: "reassigned by the supervisor", at: t0.addingTimeInterval(50))
        #expect(record.agentId == "bob")
        try record.resolve(by: "bob", at: t0.addingTimeInterval(60))
        #expect(throws: HandoverTransitionError.alreadyResolved) {
            try record.transfer(by: nil, to: "ann", note: nil, at: t0)
        }
    }

    @Test("a supervisor assigns a waiting handover; an agent cannot transfer one they do not hold")
    func assign() throws {
        var waiting = HandoverRecord(
            id: "h-2", tenantId: "demo", sessionId: "s-2", customerId: "c-2", reason: .noResponse, createdAt: t0)
        #expect(throws: HandoverTransitionError.notClaimed) {
            try waiting.transfer(by: "ann", to: "bob", note: nil, at: t0)
        }
        #expect(throws: HandoverTransitionError.notClaimed) {
            try waiting.transfer(by: nil, to: nil, note: nil, at: t0)
        }
        try waiting.transfer(by: nil, to: "bob", note: nil, at: t0.addingTimeInterval(12))
        #expect(waiting.status == .claimed && waiting.agentId == "bob" && waiting.waitTime == 12)
    }

    @Test("events of successive transfers have distinct ids; a retried one has the same")
    func eventIds() throws {
        var record = try claimed()
        let claim = record.lifecycleEventId(.handoverClaimed)
        try record.transfer(by: "ann", to: nil, note: nil, at: t0.addingTimeInterval(50))
        let requeue = record.lifecycleEventId(.handoverReturnedToQueue)
        try record.claim(by: "bob", at: t0.addingTimeInterval(60))
        let reclaim = record.lifecycleEventId(.handoverClaimed)
        #expect(Set([claim, requeue, reclaim]).count == 3)
        #expect(record.lifecycleEventId(.handoverClaimed) == reclaim)
    }

    @Test("a handover stored before transfers existed decodes with none")
    func decodesOldDocuments() throws {
        let json = """
            {"id":"h","tenant_id":"demo","session_id":"s","customer_id":"c","reason":"low_confidence",
             "status":"claimed","agent_id":"ann","created_at":"2025-06-15T15:06:40Z","claimed_at":"2025-06-15T15:07:40Z"}
            """
        let record = try SwitchboardJSON.makeDecoder().decode(HandoverRecord.self, from: Data(json.utf8))
        #expect(record.transfers == 0 && record.waitTime == 60)
    }
}
