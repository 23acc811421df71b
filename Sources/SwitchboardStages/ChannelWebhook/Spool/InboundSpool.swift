import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardKafka
import Synchronization

/// channel-webhook's durable spool for broker outages.
///
/// ``publish(_:)`` hands a webhook's records to the broker and waits at most
/// ``InboundSpoolConfiguration/publishTimeout`` for the acknowledgement. If the broker does not take them in
/// time, they are appended to an fsynced spool on disk and the webhook is answered as accepted; a full or
/// unwritable spool refuses them (503). As a `Service`, the spool replays what it holds, in order, and
/// removes each entry only after the broker acknowledged it; a restart replays what an earlier run left.
/// ``InboundSpoolState`` holds the order rule.
public final class InboundSpool: Service, Sendable {
    /// Why ``publish(_:)`` could not accept a webhook.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public struct Code: Hashable, Sendable, CustomStringConvertible {
            private let name: String
            private init(_ name: String) { self.name = name }
            public var description: String { name }

            /// The broker refused a record for good; spooling it would not help.
            public static let rejected = Code("rejected")
            /// The broker is away and the spool is full.
            public static let full = Code("full")
            /// The broker is away and the spool cannot be written.
            public static let unwritable = Code("unwritable")
        }

        public let code: Code
        /// A short reason, never message contents.
        public let reason: String

        public var description: String { "\(code): \(reason)" }
    }

    public let configuration: InboundSpoolConfiguration
    private let disk: SpoolDisk
    private let sink: any InboundRecordSink
    private let metrics: InboundSpoolMetrics
    private let logger: Logger
    private let locked: Mutex<Locked>
    private let wakeup = SpoolWakeup()
    private let attempts: AsyncStream<Attempt>
    private let attemptsInput: AsyncStream<Attempt>.Continuation

    private struct Locked {
        var state: InboundSpoolState
        var callers: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var stopping = false
        var lastDepthUpdate: ContinuousClock.Instant?
        /// Callers of ``waitUntilEmpty()``, resumed when the spool holds nothing.
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private struct Attempt: Sendable {
        var sequence: UInt64
        var records: [KafkaOutgoingRecord]
    }

    /// Opens the spool in `configuration.directory` (created if missing), reading what an earlier run left.
    /// Throws when the directory cannot be created or read.
    public static func open(
        configuration: InboundSpoolConfiguration, sink: any InboundRecordSink, logger: Logger,
        metrics: InboundSpoolMetrics = InboundSpoolMetrics()
    ) async throws(SpoolError) -> InboundSpool {
        guard let directory = configuration.directory else {
            throw SpoolError(.unwritable, "no spool directory configured")
        }
        let (disk, recovered, dropped) = try await SpoolDisk.open(
            directory: directory, maxBytes: configuration.maxBytes,
            segmentBytes: configuration.effectiveSegmentBytes)
        let state = InboundSpoolState(recovered: recovered.map { ($0.position, $0.entry) })
        if dropped > 0 {
            logger.warning("Spool: cut a torn or corrupt tail", metadata: ["bytes": "\(dropped)"])
        }
        if state.entryCount > 0 {
            logger.notice(
                "Spool: replaying what an earlier run left",
                metadata: ["entries": "\(state.entryCount)", "records": "\(state.depthRecords)"])
        }
        return InboundSpool(
            configuration: configuration, disk: disk, state: state, sink: sink, metrics: metrics, logger: logger)
    }

    private init(
        configuration: InboundSpoolConfiguration, disk: SpoolDisk, state: InboundSpoolState,
        sink: any InboundRecordSink, metrics: InboundSpoolMetrics, logger: Logger
    ) {
        self.configuration = configuration
        self.disk = disk
        self.sink = sink
        self.metrics = metrics
        self.logger = logger
        self.locked = Mutex(Locked(state: state))
        let (stream, input) = AsyncStream.makeStream(of: Attempt.self)
        self.attempts = stream
        self.attemptsInput = input
        updateDepth(force: true)
    }

    /// Spooled Kafka records not yet acknowledged by the broker.
    public var depth: (records: Int, bytes: Int) {
        locked.withLock { ($0.state.depthRecords, $0.state.depthBytes) }
    }

    /// Whether the spool can take more: it holds less than its size bound.
    public var hasRoom: Bool {
        locked.withLock { $0.state.depthBytes < configuration.maxBytes }
    }

    /// Returns once the spool holds nothing (at once when it is empty): every entry acknowledged by the broker.
    public func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let empty = locked.withLock { locked in
                guard locked.state.depthRecords > 0 else { return true }
                locked.emptyWaiters.append(continuation)
                return false
            }
            if empty { continuation.resume() }
        }
    }

    /// Returns once the broker acknowledged `records` or they are durably spooled. Throws when the broker
    /// refused one for good, or it did not answer in time and the spool could not take them.
    public func publish(_ records: [KafkaOutgoingRecord]) async throws(Refusal) {
        let acceptedAt = Date()
        let route = locked.withLock { $0.state.accept() }
        let sequence: UInt64
        switch route {
        case .spool(let spooled):
            sequence = spooled
        case .attempt(let attempt):
            sequence = attempt
            if case .terminated = attemptsInput.yield(Attempt(sequence: attempt, records: records)) {
                finished(attempt, .failed("the spool is stopping"))
            }
            await waitForAttempt(attempt)
            switch locked.withLock({ $0.state.conclude(attempt) }) {
            case .delivered:
                return
            case .rejected(let reason):
                throw Refusal(code: .rejected, reason: reason)
            case .spool:
                break
            }
        }
        try await spool(SpoolEntry(sequence: sequence, acceptedAt: acceptedAt, records: records))
    }

    /// Replays the spool until graceful shutdown; meanwhile runs the sends ``publish(_:)`` starts, so a send
    /// that outlives its webhook's wait still reports to the spool.
    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { await self.replayLoop() }
                    for await attempt in attempts {
                        group.addTask {
                            let results = await self.sink.sendEach(attempt.records)
                            self.finished(attempt.sequence, Self.outcome(results[...]))
                        }
                    }
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    private func stop() {
        locked.withLock { $0.stopping = true }
        attemptsInput.finish()
        wakeup.signal()
    }

    // MARK: Publishing

    private func waitForAttempt(_ sequence: UInt64) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.attemptResult(sequence) }
            group.addTask { try? await Task.sleep(for: self.configuration.publishTimeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns when the attempt finished, or on cancellation.
    private func attemptResult(_ sequence: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = locked.withLock { locked in
                    guard locked.state.isWaiting(sequence), !Task.isCancelled else { return true }
                    locked.callers[sequence] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.locked.withLock { $0.callers.removeValue(forKey: sequence) }?.resume()
        }
    }

    private func finished(_ sequence: UInt64, _ outcome: InboundSpoolState.Outcome) {
        let (effect, caller) = locked.withLock { locked in
            let effect = locked.state.attemptFinished(sequence, outcome)
            return (effect, effect == .wakeCaller ? locked.callers.removeValue(forKey: sequence) : nil)
        }
        caller?.resume()
        if effect == .acknowledged || effect == .wakeReplay { wakeup.signal() }
    }

    private func spool(_ entry: SpoolEntry) async throws(Refusal) {
        let sequence = entry.sequence
        let recordCount = entry.records.count
        let result = await disk.append(SpoolFrame.frame(entry.encoded())) { written in
            self.locked.withLock { locked in
                switch written {
                case .success(let position):
                    locked.state.appended(
                        sequence, at: position, recordCount: recordCount, acceptedAt: entry.acceptedAt)
                case .failure:
                    locked.state.appendFailed(sequence)
                }
            }
        }
        metrics.recordWrite(result)
        updateDepth(force: false)
        switch result {
        case .success:
            wakeup.signal()
        case .failure(let error):
            logger.error("Spool: could not spool a webhook", metadata: ["error": "\(error)"])
            throw Refusal(code: error.code == .full ? .full : .unwritable, reason: error.reason)
        }
    }

    // MARK: Replay

    private func replayLoop() async {
        while !locked.withLock({ $0.stopping }) {
            await compact()
            updateDepth(force: false)
            let batch = locked.withLock { $0.state.nextReplay(maxRecords: configuration.replayBatchRecords) }
            guard !batch.isEmpty else {
                await wakeup.wait(upTo: .seconds(1))
                continue
            }
            let delivered = await replay(batch)
            updateDepth(force: false)
            if !delivered { await backOff() }
        }
        await compact()
        updateDepth(force: true)
    }

    /// Sends one batch from the spool; false when some entry failed and stays spooled.
    private func replay(_ batch: [InboundSpoolState.Entry]) async -> Bool {
        var outcomes: [(sequence: UInt64, outcome: InboundSpoolState.Outcome)] = []
        var sending: [(sequence: UInt64, records: Range<Int>)] = []
        var records: [KafkaOutgoingRecord] = []
        switch await disk.read(batch.map(\.position)) {
        case .failure(let error):
            logger.error("Spool: could not read spooled entries", metadata: ["error": "\(error)"])
            outcomes = batch.map { ($0.sequence, .failed(error.reason)) }
        case .success(let payloads):
            for (entry, payload) in zip(batch, payloads) {
                guard let payload, let decoded = SpoolEntry(decoding: payload), decoded.sequence == entry.sequence
                else {
                    outcomes.append((entry.sequence, .rejected("the spooled entry no longer reads back")))
                    continue
                }
                sending.append((entry.sequence, records.count..<records.count + decoded.records.count))
                records += decoded.records
            }
        }
        var results: [Result<KafkaDeliveryReport, KafkaError>] = []
        if !records.isEmpty { results = await sink.sendEach(records) }
        for (sequence, range) in sending { outcomes.append((sequence, Self.outcome(results[range]))) }
        let result = locked.withLock { $0.state.replayFinished(outcomes) }
        let delivered = outcomes.filter { $0.outcome == .delivered }.reduce(0) { total, item in
            total + (sending.first { $0.sequence == item.sequence }?.records.count ?? 0)
        }
        metrics.recordReplayed(delivered)
        for (sequence, outcome) in outcomes {
            guard case .rejected(let reason) = outcome else { continue }
            logger.error(
                "Spool: dropped an entry the broker refused for good",
                metadata: ["sequence": "\(sequence)", "error": "\(reason)"])
            metrics.recordDropped(sending.first { $0.sequence == sequence }?.records.count ?? 1)
        }
        if delivered > 0 || !result.dropped.isEmpty {
            logger.debug("Spool: replayed", metadata: ["records": "\(delivered)"])
        }
        return !result.failed
    }

    private func backOff() async {
        let deadline = ContinuousClock.now + configuration.retryInterval
        while ContinuousClock.now < deadline, !locked.withLock({ $0.stopping }) {
            await wakeup.wait(upTo: deadline - ContinuousClock.now)
        }
    }

    private func compact() async {
        guard let cursor = locked.withLock({ $0.state.compaction() }) else { return }
        if case .failure(let error) = await disk.commit(cursor) {
            // Acknowledged entries stay on disk and are sent again after a restart; nothing is lost.
            logger.error("Spool: could not move the cursor", metadata: ["error": "\(error)"])
        }
    }

    /// Records and bytes at every call; the age of the oldest entry, which scans the entries, at most twice a
    /// second unless `force`.
    private func updateDepth(force: Bool) {
        let now = ContinuousClock.now
        let depth = locked.withLock { locked in
            let scan = force || locked.lastDepthUpdate.map { now - $0 >= .milliseconds(500) } ?? true
            if scan { locked.lastDepthUpdate = now }
            if locked.state.depthRecords == 0 {
                for waiter in locked.emptyWaiters { waiter.resume() }
                locked.emptyWaiters = []
            }
            return (
                records: locked.state.depthRecords, bytes: locked.state.depthBytes, scanned: scan,
                oldest: scan ? locked.state.oldestAcceptedAt : nil
            )
        }
        metrics.recordDepth(records: depth.records, bytes: depth.bytes)
        guard depth.scanned else { return }
        metrics.recordOldestAge(depth.oldest.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
    }

    /// One outcome for a webhook's records: delivered if all were, failed if any may succeed later,
    /// rejected if the only failures are for good.
    static func outcome(_ results: ArraySlice<Result<KafkaDeliveryReport, KafkaError>>) -> InboundSpoolState.Outcome {
        var rejected: String?
        for result in results {
            guard case .failure(let error) = result else { continue }
            guard error.code == .recordRejected else { return .failed(error.reason) }
            rejected = rejected ?? error.reason
        }
        guard let rejected else { return .delivered }
        return .rejected(rejected)
    }
}
