import Foundation
import SwitchboardStages
import Synchronization
import Testing

/// An in-memory ledger with the same conditional claim as the store's.
final class InMemoryPartLedger: OutboundPartLedger {
    struct Part {
        var sentAs: String?
        var claim: (by: String, at: Date)?
    }

    let parts = Mutex<[String: Part]>([:])
    let failRecords = Atomic<Int>(0)
    /// Claims to store and then fail, as a database that wrote the claim and went away before answering.
    let claimsStoredWithoutAnswer = Atomic<Int>(0)
    /// Releases to fail without storing anything.
    let failReleases = Atomic<Int>(0)

    struct LedgerUnreachable: Error {}

    func claimPart(id: UUID, index: Int, instance: String, at: Date) async throws -> Bool {
        let claimed = parts.withLock { parts in
            let key = "\(id):\(index)"
            guard parts[key]?.sentAs == nil, parts[key]?.claim == nil else { return false }
            parts[key, default: Part()].claim = (instance, at)
            return true
        }
        if claimed, claimsStoredWithoutAnswer.load(ordering: .relaxed) > 0 {
            claimsStoredWithoutAnswer.subtract(1, ordering: .relaxed)
            throw LedgerUnreachable()
        }
        return claimed
    }

    func renewClaim(id: UUID, index: Int, instance: String, at: Date) async throws -> Bool {
        parts.withLock { parts in
            let key = "\(id):\(index)"
            guard parts[key]?.sentAs == nil, parts[key]?.claim?.by == instance else { return false }
            parts[key]?.claim = (instance, at)
            return true
        }
    }

    func partState(id: UUID, index: Int) async throws -> OutboundPartState {
        parts.withLock { parts in
            let part = parts["\(id):\(index)"]
            return OutboundPartState(sentAs: part?.sentAs, claimedBy: part?.claim?.by, claimedAt: part?.claim?.at)
        }
    }

    func recordSentPart(id: UUID, index: Int, providerMessageId: String) async throws {
        struct RecordFailed: Error {}
        if failRecords.load(ordering: .relaxed) > 0 {
            failRecords.subtract(1, ordering: .relaxed)
            throw RecordFailed()
        }
        parts.withLock { parts in
            parts["\(id):\(index)", default: Part()].sentAs = providerMessageId
            parts["\(id):\(index)"]?.claim = nil
        }
    }

    /// A database killed and restarted: it kept the (journaled) claims and lost the answers recorded after.
    func loseRecordedAnswers() {
        parts.withLock { parts in
            for key in parts.keys where parts[key]?.sentAs != nil { parts[key]?.sentAs = nil }
        }
    }

    func releasePart(id: UUID, index: Int, instance: String) async throws {
        if failReleases.load(ordering: .relaxed) > 0 {
            failReleases.subtract(1, ordering: .relaxed)
            throw LedgerUnreachable()
        }
        parts.withLock { parts in
            if parts["\(id):\(index)"]?.claim?.by == instance { parts["\(id):\(index)"]?.claim = nil }
        }
    }
}

/// Counts what reached the "vendor".
final class SendCounter: Sendable {
    let sends = Mutex<[String]>([])
    func send(_ part: String) -> DeliveryOutcome {
        let count = sends.withLock { sends in
            sends.append(part)
            return sends.count
        }
        return .sent(providerMessageId: "wamid.\(count)")
    }
}

@Suite("Each part of a reply reaches the vendor at most once")
struct OutboundPartFenceTests {
    let id = UUID()
    let parts = ["part one", "part two"]

    @Test("recording the vendor's answer fails: the next attempt records it instead of sending again")
    func recordingFails() async throws {
        let ledger = InMemoryPartLedger()
        let fence = OutboundPartFence(ledger: ledger)
        let vendor = SendCounter()
        ledger.failRecords.store(1, ordering: .relaxed)
        var first = fence.progress(for: id, sent: [:])
        await #expect(throws: (any Error).self) { try await first.send(parts) { vendor.send($0) } }
        var second = fence.progress(for: id, sent: [:])
        let outcome = try await second.send(parts) { vendor.send($0) }
        #expect(vendor.sends.withLock { $0 } == ["part one", "part two"])
        #expect(outcome == .sent(providerMessageId: "wamid.1"))
        #expect(try await ledger.partState(id: id, index: 0).sentAs == "wamid.1")
    }

    @Test("the database restarts and loses the recorded answers but keeps the claims: nothing is sent again")
    func recordedAnswerLost() async throws {
        let ledger = InMemoryPartLedger()
        let fence = OutboundPartFence(ledger: ledger)
        let vendor = SendCounter()
        var first = fence.progress(for: id, sent: [:])
        _ = try await first.send(parts) { vendor.send($0) }
        // The answers were recorded (and their claims dropped) only in what the database lost: put the claims
        // back as the journal had them.
        ledger.loseRecordedAnswers()
        for index in parts.indices {
            #expect(try await ledger.claimPart(id: id, index: index, instance: fence.instance, at: Date()))
        }
        var again = fence.progress(for: id, sent: [:])
        let outcome = try await again.send(parts) { vendor.send($0) }
        #expect(vendor.sends.withLock { $0 } == ["part one", "part two"])
        #expect(outcome == .sent(providerMessageId: "wamid.1"))
        #expect(try await ledger.partState(id: id, index: 1).sentAs == "wamid.2")
        #expect(fence.unknownOutcomes == 0)
    }

    @Test("the claim is stored but its answer is lost: the next attempt takes it over and sends, once")
    func claimAnswerLost() async throws {
        let ledger = InMemoryPartLedger()
        let fence = OutboundPartFence(ledger: ledger)
        let vendor = SendCounter()
        ledger.claimsStoredWithoutAnswer.store(1, ordering: .relaxed)
        var first = fence.progress(for: id, sent: [:])
        await #expect(throws: InMemoryPartLedger.LedgerUnreachable.self) {
            try await first.send(parts) { vendor.send($0) }
        }
        #expect(vendor.sends.withLock { $0 }.isEmpty)
        #expect(try await ledger.partState(id: id, index: 0).claimedBy == fence.instance, "the claim was stored")
        // Another consumer must still wait for it: only this process knows it sent nothing.
        var other = OutboundPartFence(ledger: ledger).progress(for: id, sent: [:])
        await #expect(throws: PartInFlightElsewhere.self) { try await other.send(parts) { vendor.send($0) } }
        var second = fence.progress(for: id, sent: [:])
        _ = try await second.send(parts) { vendor.send($0) }
        var third = fence.progress(for: id, sent: [:])
        _ = try await third.send(parts) { vendor.send($0) }
        #expect(vendor.sends.withLock { $0 } == parts, "each part sent once, none taken as sent unsent")
        #expect(fence.unknownOutcomes == 0)
    }

    @Test("releasing a refused part fails: the next attempt takes the claim over and sends it")
    func releaseFails() async throws {
        let ledger = InMemoryPartLedger()
        let fence = OutboundPartFence(ledger: ledger)
        ledger.failReleases.store(1, ordering: .relaxed)
        var first = fence.progress(for: id, sent: [:])
        #expect(
            try await first.send(parts) { _ in .retriableFailure(reason: "503") } == .retriableFailure(reason: "503"))
        #expect(try await ledger.partState(id: id, index: 0).claimedBy == fence.instance, "the release was lost")
        let vendor = SendCounter()
        var second = fence.progress(for: id, sent: [:])
        _ = try await second.send(parts) { vendor.send($0) }
        #expect(vendor.sends.withLock { $0 } == parts)
        #expect(fence.unknownOutcomes == 0)
    }

    @Test("a live claim of this process that was not abandoned is waited for, not taken over")
    func liveOwnClaimIsNotTakenOver() async throws {
        let ledger = InMemoryPartLedger()
        let fence = OutboundPartFence(ledger: ledger)
        let vendor = SendCounter()
        // An earlier failed claim left the part abandoned; a later attempt then claimed it normally and is
        // still sending when a third attempt of the same process comes.
        ledger.claimsStoredWithoutAnswer.store(1, ordering: .relaxed)
        var failed = fence.progress(for: id, sent: [:])
        await #expect(throws: InMemoryPartLedger.LedgerUnreachable.self) {
            try await failed.send(["part one"]) { vendor.send($0) }
        }
        try await ledger.releasePart(id: id, index: 0, instance: fence.instance)
        var sending = fence.progress(for: id, sent: [:])
        _ = try await sending.send(["part one"]) { part in
            // While this attempt sends under its claim, another attempt of the same process comes.
            var third = fence.progress(for: id, sent: [:])
            await #expect(throws: PartInFlightElsewhere.self) { try await third.send(["part one"]) { vendor.send($0) } }
            return vendor.send(part)
        }
        #expect(vendor.sends.withLock { $0 } == ["part one"])
    }

    @Test("two consumers holding the same record: one sends, the other waits and then finds it sent")
    func twoConsumers() async throws {
        let ledger = InMemoryPartLedger()
        let (a, b) = (OutboundPartFence(ledger: ledger), OutboundPartFence(ledger: ledger))
        let vendor = SendCounter()
        // b claims part 0 first and is still sending it when a tries.
        #expect(try await ledger.claimPart(id: id, index: 0, instance: b.instance, at: Date()))
        var fromA = a.progress(for: id, sent: [:])
        await #expect(throws: PartInFlightElsewhere.self) { try await fromA.send(parts) { vendor.send($0) } }
        try await ledger.recordSentPart(id: id, index: 0, providerMessageId: "wamid.b")
        var again = a.progress(for: id, sent: [:])
        _ = try await again.send(parts) { vendor.send($0) }
        #expect(vendor.sends.withLock { $0 } == ["part two"])
    }

    @Test("a claim whose sender died is taken as sent after the lease, never sent again")
    func deadSender() async throws {
        let ledger = InMemoryPartLedger()
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let fence = OutboundPartFence(ledger: ledger, lease: 20, now: { clock.withLock { $0 } })
        let vendor = SendCounter()
        #expect(try await ledger.claimPart(id: id, index: 0, instance: "dead", at: clock.withLock { $0 }))
        var early = fence.progress(for: id, sent: [:])
        await #expect(throws: PartInFlightElsewhere.self) { try await early.send(parts) { vendor.send($0) } }
        clock.withLock { $0 = $0.addingTimeInterval(20) }
        var late = fence.progress(for: id, sent: [:])
        _ = try await late.send(parts) { vendor.send($0) }
        #expect(vendor.sends.withLock { $0 } == ["part two"])
        #expect(fence.unknownOutcomes == 1)
    }

    @Test("a part the vendor refused is released, and a later attempt sends it")
    func refusedIsReleased() async throws {
        let ledger = InMemoryPartLedger()
        let fence = OutboundPartFence(ledger: ledger)
        var first = fence.progress(for: id, sent: [:])
        let refused = try await first.send(parts) { _ in .retriableFailure(reason: "503") }
        #expect(refused == .retriableFailure(reason: "503"))
        let vendor = SendCounter()
        var second = fence.progress(for: id, sent: [:])
        _ = try await second.send(parts) { vendor.send($0) }
        #expect(vendor.sends.withLock { $0 } == parts)
    }
}
