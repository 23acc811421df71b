import Foundation
import Testing

@testable import SwitchboardStages

/// The spool's bookkeeping without I/O: routing, the order rule, acknowledgement and the cursor.
@Suite("Spool state machine")
struct SpoolStateTests {
    typealias State = InboundSpoolState
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func position(_ index: Int) -> SpoolPosition {
        SpoolPosition(segment: 0, offset: index * 100, length: 100)
    }

    /// Accepts one webhook whose attempt times out, and writes it at file slot `slot`.
    func timedOut(_ state: inout State, slot: Int) -> UInt64 {
        guard case .attempt(let sequence) = state.accept() else {
            Issue.record("expected an attempt")
            return .max
        }
        #expect(state.conclude(sequence) == .spool)
        state.appended(sequence, at: position(slot), recordCount: 1, acceptedAt: now)
        return sequence
    }

    @Test func anEmptySpoolSendsDirectlyAndADeliveredAttemptLeavesNoTrace() {
        var state = State()
        #expect(state.accept() == .attempt(0))
        #expect(state.attemptFinished(0, .delivered) == .wakeCaller)
        #expect(state.conclude(0) == .delivered)
        #expect(!state.holdsEntries)
        #expect(state.accept() == .attempt(1))
    }

    @Test func aRejectedRecordIsNotSpooled() {
        var state = State()
        #expect(state.accept() == .attempt(0))
        _ = state.attemptFinished(0, .rejected("too large"))
        #expect(state.conclude(0) == .rejected("too large"))
        #expect(!state.holdsEntries)
    }

    @Test func whileTheSpoolHoldsAnythingNewWebhooksQueueBehindIt() {
        var state = State()
        guard case .attempt(let first) = state.accept() else { return }
        #expect(state.conclude(first) == .spool)
        // Still being written: already counts.
        #expect(state.holdsEntries)
        #expect(state.accept() == .spool(1))
        state.appended(first, at: position(0), recordCount: 2, acceptedAt: now)
        state.appended(1, at: position(1), recordCount: 1, acceptedAt: now)
        #expect(state.accept() == .spool(2))
        #expect(state.depthRecords == 3)
        #expect(state.depthBytes == 200)
    }

    @Test func replayWaitsForTheOriginalSendAndSkipsItWhenItLands() {
        var state = State()
        let first = timedOut(&state, slot: 0)
        guard case .spool(let second) = state.accept() else { return }
        state.appended(second, at: position(1), recordCount: 1, acceptedAt: now)
        // The first webhook's send is still in the producer's queue: nothing may overtake it.
        #expect(state.nextReplay(maxRecords: 10).isEmpty)
        #expect(state.attemptFinished(first, .delivered) == .acknowledged)
        #expect(state.compaction() == State.Cursor(segment: 0, offset: 100))
        let batch = state.nextReplay(maxRecords: 10)
        #expect(batch.map(\.sequence) == [second])
    }

    @Test func aFailedOriginalIsReplayedFirst() {
        var state = State()
        let first = timedOut(&state, slot: 0)
        guard case .spool(let second) = state.accept() else { return }
        state.appended(second, at: position(1), recordCount: 1, acceptedAt: now)
        #expect(state.attemptFinished(first, .failed("timed out")) == .wakeReplay)
        #expect(state.nextReplay(maxRecords: 10).map(\.sequence) == [first, second])
        // One batch at a time.
        #expect(state.nextReplay(maxRecords: 10).isEmpty)
    }

    @Test func replayGoesByAcceptanceOrderNotFileOrder() {
        var state = State()
        guard case .attempt(let a) = state.accept(), case .attempt(let b) = state.accept() else { return }
        #expect(state.conclude(a) == .spool)
        guard case .spool(let c) = state.accept() else { return }
        // c is written first, then b times out and is written, then a.
        state.appended(c, at: position(0), recordCount: 1, acceptedAt: now)
        #expect(state.nextReplay(maxRecords: 10).isEmpty)
        #expect(state.conclude(b) == .spool)
        state.appended(b, at: position(1), recordCount: 1, acceptedAt: now)
        state.appended(a, at: position(2), recordCount: 1, acceptedAt: now)
        _ = state.attemptFinished(b, .failed("timed out"))
        #expect(state.nextReplay(maxRecords: 10).isEmpty, "a's send is still open")
        _ = state.attemptFinished(a, .failed("timed out"))
        #expect(state.nextReplay(maxRecords: 10).map(\.sequence) == [a, b, c])
    }

    @Test func anOpenAttemptBlocksOnlyTheEntriesAcceptedAfterIt() {
        var state = State()
        guard case .attempt(let a) = state.accept(), case .attempt(let b) = state.accept() else { return }
        _ = state.attemptFinished(a, .failed("broker down"))
        #expect(state.conclude(a) == .spool)
        guard case .spool(let c) = state.accept() else { return }
        state.appended(a, at: position(0), recordCount: 1, acceptedAt: now)
        state.appended(c, at: position(1), recordCount: 1, acceptedAt: now)
        #expect(state.nextReplay(maxRecords: 10).map(\.sequence) == [a])
        #expect(state.replayFinished([(a, .delivered)]).acknowledged == 1)
        #expect(state.nextReplay(maxRecords: 10).isEmpty, "b is still waiting for the broker")
        _ = state.attemptFinished(b, .delivered)
        #expect(state.conclude(b) == .delivered)
        #expect(state.nextReplay(maxRecords: 10).map(\.sequence) == [c])
    }

    @Test func acknowledgementMovesTheCursorOnlyPastAContiguousPrefix() {
        var state = State()
        let a = timedOut(&state, slot: 0)
        var others: [UInt64] = []
        for slot in 1...3 {
            guard case .spool(let sequence) = state.accept() else { return }
            state.appended(sequence, at: position(slot), recordCount: 1, acceptedAt: now)
            others.append(sequence)
        }
        _ = state.attemptFinished(a, .failed("timed out"))
        let batch = state.nextReplay(maxRecords: 10)
        #expect(batch.count == 4)
        let result = state.replayFinished([
            (a, .delivered), (others[0], .failed("timed out")), (others[1], .delivered),
            (others[2], .rejected("too large")),
        ])
        #expect(result == State.ReplayResult(acknowledged: 2, dropped: [others[2]], failed: true))
        #expect(state.compaction() == State.Cursor(segment: 0, offset: 100))
        #expect(state.compaction() == nil)
        #expect(state.depthRecords == 1)
        #expect(state.nextReplay(maxRecords: 10).map(\.sequence) == [others[0]])
        _ = state.replayFinished([(others[0], .delivered)])
        #expect(state.compaction() == State.Cursor(segment: 0, offset: 400))
        #expect(!state.holdsEntries)
        #expect(state.accept() == .attempt(others[2] + 1))
    }

    @Test func batchesAreBoundedByRecordsButTakeAtLeastOneEntry() {
        var state = State()
        let first = timedOut(&state, slot: 0)
        _ = state.attemptFinished(first, .failed("down"))
        for slot in 1...4 {
            guard case .spool(let sequence) = state.accept() else { return }
            state.appended(sequence, at: position(slot), recordCount: 3, acceptedAt: now)
        }
        #expect(state.nextReplay(maxRecords: 7).count == 3)
        _ = state.replayFinished([])
        var big = State()
        let only = timedOut(&big, slot: 0)
        _ = big.attemptFinished(only, .failed("down"))
        #expect(big.nextReplay(maxRecords: 0).count == 1)
    }

    @Test func anOriginalThatLandsWhileTheEntryIsWrittenIsAcknowledgedAtOnce() {
        var state = State()
        guard case .attempt(let a) = state.accept() else { return }
        #expect(state.conclude(a) == .spool)
        #expect(state.attemptFinished(a, .delivered) == .none)
        state.appended(a, at: position(0), recordCount: 1, acceptedAt: now)
        #expect(!state.holdsEntries)
        #expect(state.compaction() == State.Cursor(segment: 0, offset: 100))
    }

    @Test func aRecoveredSpoolReplaysBySequenceAndDropsUnreadableRecords() {
        let entry = { (sequence: UInt64) in
            SpoolEntry(sequence: sequence, acceptedAt: Date(timeIntervalSince1970: Double(sequence)), records: [])
        }
        var state = State(recovered: [(position(0), entry(7)), (position(1), nil), (position(2), entry(5))])
        #expect(state.entryCount == 2)
        #expect(state.oldestAcceptedAt == Date(timeIntervalSince1970: 5))
        #expect(state.accept() == .spool(8))
        state.appended(8, at: position(3), recordCount: 0, acceptedAt: now)
        #expect(state.nextReplay(maxRecords: 10).map(\.sequence) == [5, 7, 8])
        _ = state.replayFinished([(7, .delivered)])
        #expect(state.compaction() == State.Cursor(segment: 0, offset: 200))
    }
}
