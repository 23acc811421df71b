import Foundation

/// The spool's bookkeeping, without I/O: which webhook goes to the broker directly and which to the spool,
/// what the replay may send next, and how far the spool's files are acknowledged. ``InboundSpool`` holds it
/// behind a lock and performs the actions it returns.
///
/// Every accepted webhook gets a sequence number. Order rule: while the spool holds anything (or is being
/// written), every new webhook goes to the spool behind it; and the replay sends entries in sequence order,
/// never past an earlier webhook whose outcome is still open (an attempt still waiting for the broker, an
/// entry being written, an entry whose original send is still in the producer's queue). So a customer's
/// later message cannot overtake an earlier one that was spooled.
///
/// An entry spooled because its send did not finish in time still has that send in the producer's queue.
/// Replay waits for it: if the broker acknowledges it late, the entry is acknowledged without sending it
/// twice; only if it fails is the entry sent from the spool.
struct InboundSpoolState {
    /// How a send to the broker ended.
    enum Outcome: Equatable, Sendable {
        case delivered
        /// The broker was unreachable or too slow; sending again later may succeed.
        case failed(String)
        /// The broker refused a record for good (too large, not authorized): sending again cannot succeed.
        case rejected(String)
    }

    /// Where a new webhook goes.
    enum Route: Equatable {
        /// To the broker, waiting at most the publish timeout; then ``conclude(_:)``.
        case attempt(UInt64)
        /// Straight to the spool: it holds earlier webhooks.
        case spool(UInt64)
    }

    /// What a webhook whose attempt ended (or ran out of time) does next.
    enum Conclusion: Equatable {
        case delivered
        case rejected(String)
        /// Write it to the spool.
        case spool
    }

    /// What finishing a send changed.
    enum AttemptEffect: Equatable {
        case none
        /// The caller is still waiting: wake it so it calls ``conclude(_:)``.
        case wakeCaller
        /// A spooled entry's original send was acknowledged (or refused for good): the cursor may move.
        case acknowledged
        /// A spooled entry's original send failed: the replay may send it now.
        case wakeReplay
    }

    /// A spooled entry not yet acknowledged.
    struct Entry: Equatable, Sendable {
        var sequence: UInt64
        var position: SpoolPosition
        var recordCount: Int
        var acceptedAt: Date
        /// Its first send is still in the producer's queue.
        var originalInFlight: Bool
        /// The replay is sending it.
        var replaying = false
    }

    /// What a replay batch did.
    struct ReplayResult: Equatable {
        var acknowledged = 0
        /// Entries dropped because the broker refused them for good.
        var dropped: [UInt64] = []
        /// Some entry failed and stays spooled: back off before the next batch.
        var failed = false
    }

    /// Where everything before is acknowledged: the segment and offset written to the cursor file.
    struct Cursor: Equatable, Sendable {
        var segment: UInt64
        var offset: Int
    }

    private enum Attempt: Equatable {
        case waiting
        case finished(Outcome)
    }

    private enum Spooling: Equatable {
        case direct
        /// Spooled after an attempt; the attempt's outcome if it arrived while the entry was being written.
        case afterAttempt(Outcome?)
    }

    private(set) var nextSequence: UInt64 = 0
    private var attempts: [UInt64: Attempt] = [:]
    private var spooling: [UInt64: Spooling] = [:]
    private var entries: [UInt64: Entry] = [:]
    /// Records in file order, acknowledged or not, from the cursor on.
    private var fileOrder: [(sequence: UInt64, position: SpoolPosition)] = []
    private var fileHead = 0
    private var acknowledged: Set<UInt64> = []
    private var replayInFlight = false
    /// Spooled records (Kafka records, not webhooks) and their bytes on disk, not yet acknowledged.
    private(set) var depthRecords = 0
    private(set) var depthBytes = 0

    /// The state of a spool opened on `recovered` records (file order); undecodable ones are acknowledged
    /// (dropped) at once.
    init(recovered: [(position: SpoolPosition, entry: SpoolEntry?)] = []) {
        var highest: UInt64?
        for (index, record) in recovered.enumerated() {
            guard let entry = record.entry else {
                // An unreadable record still takes its place in the file order, so the cursor can pass it.
                let placeholder = UInt64.max - UInt64(index)
                fileOrder.append((placeholder, record.position))
                acknowledged.insert(placeholder)
                continue
            }
            entries[entry.sequence] = Entry(
                sequence: entry.sequence, position: record.position, recordCount: entry.records.count,
                acceptedAt: entry.acceptedAt, originalInFlight: false)
            fileOrder.append((entry.sequence, record.position))
            depthRecords += entry.records.count
            depthBytes += record.position.length
            highest = max(highest ?? 0, entry.sequence)
        }
        nextSequence = highest.map { $0 + 1 } ?? 0
    }

    /// Whether the spool holds, or is writing, anything not yet acknowledged.
    var holdsEntries: Bool { !entries.isEmpty || !spooling.isEmpty }

    /// Unacknowledged entries (webhooks).
    var entryCount: Int { entries.count }

    /// When the oldest unacknowledged entry was accepted.
    var oldestAcceptedAt: Date? { entries.values.lazy.map(\.acceptedAt).min() }

    /// Whether the attempt of `sequence` is still waiting for the broker.
    func isWaiting(_ sequence: UInt64) -> Bool { attempts[sequence] == .waiting }

    /// A new webhook: to the broker while the spool is empty, to the spool otherwise.
    mutating func accept() -> Route {
        let sequence = nextSequence
        nextSequence += 1
        if holdsEntries {
            spooling[sequence] = .direct
            return .spool(sequence)
        }
        attempts[sequence] = .waiting
        return .attempt(sequence)
    }

    /// A send started by ``accept()`` ended, or the original send of an entry spooled after its timeout.
    mutating func attemptFinished(_ sequence: UInt64, _ outcome: Outcome) -> AttemptEffect {
        if attempts[sequence] == .waiting {
            attempts[sequence] = .finished(outcome)
            return .wakeCaller
        }
        if spooling[sequence] == .afterAttempt(nil) {
            spooling[sequence] = .afterAttempt(outcome)
            return .none
        }
        guard var entry = entries[sequence], entry.originalInFlight else { return .none }
        if case .failed = outcome {
            entry.originalInFlight = false
            entries[sequence] = entry
            return .wakeReplay
        }
        acknowledge(sequence)
        return .acknowledged
    }

    /// The caller of an attempt was woken, or its publish timeout passed: what it does now. An attempt still
    /// open, or one that failed, goes to the spool.
    mutating func conclude(_ sequence: UInt64) -> Conclusion {
        switch attempts.removeValue(forKey: sequence) {
        case .finished(.delivered):
            return .delivered
        case .finished(.rejected(let reason)):
            return .rejected(reason)
        case .finished(.failed(let reason)):
            spooling[sequence] = .afterAttempt(.failed(reason))
            return .spool
        case .waiting, nil:
            spooling[sequence] = .afterAttempt(nil)
            return .spool
        }
    }

    /// The entry is durably in the spool at `position`.
    mutating func appended(_ sequence: UInt64, at position: SpoolPosition, recordCount: Int, acceptedAt: Date) {
        let how = spooling.removeValue(forKey: sequence)
        fileOrder.append((sequence, position))
        switch how {
        case .afterAttempt(.delivered), .afterAttempt(.rejected):
            // Its original send finished while it was being written.
            acknowledged.insert(sequence)
            return
        default:
            break
        }
        entries[sequence] = Entry(
            sequence: sequence, position: position, recordCount: recordCount, acceptedAt: acceptedAt,
            originalInFlight: how == .afterAttempt(nil))
        depthRecords += recordCount
        depthBytes += position.length
    }

    /// The entry could not be written (the spool is full or unwritable); the webhook is answered 503.
    mutating func appendFailed(_ sequence: UInt64) {
        spooling[sequence] = nil
    }

    /// The next entries to send from the spool, in sequence order, at most `maxRecords` Kafka records (at
    /// least one entry); empty while a batch is out or the first entry must wait.
    mutating func nextReplay(maxRecords: Int) -> [Entry] {
        guard !replayInFlight, !entries.isEmpty else { return [] }
        var blocker = UInt64.max
        if let first = attempts.keys.min() { blocker = min(blocker, first) }
        if let first = spooling.keys.min() { blocker = min(blocker, first) }
        for entry in entries.values where entry.originalInFlight { blocker = min(blocker, entry.sequence) }
        let ready = entries.values.filter { $0.sequence < blocker }.sorted { $0.sequence < $1.sequence }
        var batch: [Entry] = []
        var records = 0
        for entry in ready {
            if !batch.isEmpty, records + entry.recordCount > maxRecords { break }
            batch.append(entry)
            records += entry.recordCount
            entries[entry.sequence]?.replaying = true
        }
        replayInFlight = !batch.isEmpty
        return batch
    }

    /// The batch from ``nextReplay(maxRecords:)`` came back with these outcomes.
    mutating func replayFinished(_ outcomes: [(sequence: UInt64, outcome: Outcome)]) -> ReplayResult {
        replayInFlight = false
        var result = ReplayResult()
        for (sequence, outcome) in outcomes where entries[sequence] != nil {
            switch outcome {
            case .delivered:
                acknowledge(sequence)
                result.acknowledged += 1
            case .rejected:
                acknowledge(sequence)
                result.dropped.append(sequence)
            case .failed:
                entries[sequence]?.replaying = false
                result.failed = true
            }
        }
        return result
    }

    /// Moves past the acknowledged records at the head of the file order; the new cursor, if it moved.
    mutating func compaction() -> Cursor? {
        var last: SpoolPosition?
        while fileHead < fileOrder.count, acknowledged.contains(fileOrder[fileHead].sequence) {
            acknowledged.remove(fileOrder[fileHead].sequence)
            last = fileOrder[fileHead].position
            fileHead += 1
        }
        guard let last else { return nil }
        let cursor =
            fileHead < fileOrder.count
            ? Cursor(segment: fileOrder[fileHead].position.segment, offset: fileOrder[fileHead].position.offset)
            : Cursor(segment: last.segment, offset: last.end)
        if fileHead > 1024, fileHead * 2 > fileOrder.count {
            fileOrder.removeFirst(fileHead)
            fileHead = 0
        }
        return cursor
    }

    private mutating func acknowledge(_ sequence: UInt64) {
        guard let entry = entries.removeValue(forKey: sequence) else { return }
        acknowledged.insert(sequence)
        depthRecords -= entry.recordCount
        depthBytes -= entry.position.length
    }
}
