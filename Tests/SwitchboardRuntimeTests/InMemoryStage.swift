import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import Synchronization

/// An in-memory record source: hands out the batches it is given, records commits, pauses and resumes, and
/// ends (nil) once stopped.
final class InMemorySource: StageRecordSource {
    private struct State {
        var batches: [[KafkaRecord]] = []
        var waiter: CheckedContinuation<[KafkaRecord]?, Never>?
        var stopped = false
        var committed: [TopicPartition: Int64] = [:]
        var paused: Set<TopicPartition> = []
        var pauses: [TopicPartition] = []
        var commitWaiters: [(TopicPartition, Int64, CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    func feed(_ records: [KafkaRecord]) {
        let waiter = state.withLock { state -> CheckedContinuation<[KafkaRecord]?, Never>? in
            guard let waiter = state.waiter else {
                state.batches.append(records)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: records)
    }

    /// The next batch; nil once stopped. Cancelling the waiting runner stops the source, as stopping a
    /// consumer does, so a test that gives up on a runner does not wait for it forever.
    func nextBatch() async throws -> [KafkaRecord]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> [KafkaRecord]?? in
                    if state.stopped { return .some(nil) }
                    if !state.batches.isEmpty { return .some(state.batches.removeFirst()) }
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            stop()
        }
    }

    func isCurrent(_ record: KafkaRecord) -> Bool { true }
    func pause(_ partitions: [TopicPartition]) {
        state.withLock {
            $0.paused.formUnion(partitions)
            $0.pauses += partitions
        }
    }
    func resume(_ partitions: [TopicPartition]) { state.withLock { $0.paused.subtract(partitions) } }

    func commit(_ records: [KafkaRecord]) async throws {
        let reached = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            for record in records {
                state.committed[record.topicPartition] = max(
                    state.committed[record.topicPartition] ?? 0, record.offset + 1)
            }
            var reached: [CheckedContinuation<Void, Never>] = []
            var waiting: [(TopicPartition, Int64, CheckedContinuation<Void, Never>)] = []
            for waiter in state.commitWaiters {
                if (state.committed[waiter.0] ?? 0) >= waiter.1 {
                    reached.append(waiter.2)
                } else {
                    waiting.append(waiter)
                }
            }
            state.commitWaiters = waiting
            return reached
        }
        for waiter in reached { waiter.resume() }
    }

    /// Returns once the committed offset of `partition` (the next offset to read) is at least `offset`.
    func waitForCommit(_ partition: TopicPartition, reaching offset: Int64) async {
        await withCheckedContinuation { continuation in
            let reached = state.withLock { state -> Bool in
                if (state.committed[partition] ?? 0) >= offset { return true }
                state.commitWaiters.append((partition, offset, continuation))
                return false
            }
            if reached { continuation.resume() }
        }
    }

    func lag() async -> [TopicPartition: Int64] { [:] }

    func stop() {
        let waiter = state.withLock { state in
            state.stopped = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    func close() async {}

    /// The offset committed for a partition (the next one to read).
    func committed(_ partition: TopicPartition) -> Int64? { state.withLock { $0.committed[partition] } }
    var pauses: [TopicPartition] { state.withLock { $0.pauses } }
}

/// An in-memory sink: keeps what was produced; refuses for good what `rejects` selects.
final class InMemorySink: StageRecordSink {
    let produced = Mutex<[KafkaOutgoingRecord]>([])
    let rejects: @Sendable (KafkaOutgoingRecord) -> Bool

    init(rejects: @escaping @Sendable (KafkaOutgoingRecord) -> Bool = { _ in false }) {
        self.rejects = rejects
    }

    func sendEach(_ records: [KafkaOutgoingRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        records.map { record in
            if rejects(record) {
                return .failure(KafkaError(code: .recordRejected, reason: "too large", isRetriable: false))
            }
            produced.withLock { $0.append(record) }
            return .success(KafkaDeliveryReport(topic: record.topic, partition: 0, offset: 0))
        }
    }

    func envelopes(on topic: String) throws -> [Envelope] {
        try produced.withLock { $0 }.filter { $0.topic == topic }.map { try EnvelopeCodec().decode($0.value) }
    }

    func deadLetters(on topic: String) throws -> [DeadLetter] {
        try produced.withLock { $0 }.filter { $0.topic == topic }.map {
            try SwitchboardJSON.makeDecoder().decode(DeadLetter.self, from: Data($0.value))
        }
    }
}

/// Records for a topic, keyed per user, on the partition the test gives.
final class RecordMaker: Sendable {
    let topic: String
    private let offsets = Mutex<[Int32: Int64]>([:])

    init(topic: String) { self.topic = topic }

    func record(_ text: String, from user: String, partition: Int32) throws -> KafkaRecord {
        let envelope = Envelope(
            id: UUIDv7Generator().next(), tenantId: "acme", channel: .webchat, direction: .inbound, externalId: user,
            content: .text(text), receivedAt: Date(), traceId: "trace-\(text)")
        let offset = offsets.withLock { offsets -> Int64 in
            defer { offsets[partition, default: 0] += 1 }
            return offsets[partition, default: 0]
        }
        return KafkaRecord(
            topic: topic, partition: partition, offset: offset, key: Array(user.utf8),
            value: try EnvelopeCodec().encode(envelope))
    }
}
