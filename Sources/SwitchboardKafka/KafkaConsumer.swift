internal import CRdKafka
import Foundation
public import Logging
import Synchronization

/// A member of a Kafka consumer group that hands out batches of records and commits only when told to.
///
/// Use it as: `for try await batch in consumer.batches() { process(batch); produce results and wait for
/// their delivery; try await consumer.commit(batch) }`. Offsets are never committed automatically, so
/// processing is at least once. Every blocking librdkafka call runs on the consumer's own serial Dispatch
/// queue, never on Swift's cooperative pool. `stop()` ends the sequence (the caller still commits the batch
/// in hand), `close()` leaves the group; a consumer released without `close()` leaves it in `deinit`.
public final class KafkaConsumer: Sendable {
    private let core: ConsumerCore

    /// Joins `groupID` and subscribes to `topics`.
    public init(configuration: KafkaConfiguration, groupID: String, topics: [String], logger: Logger) throws {
        try configuration.validate()
        guard !groupID.isEmpty, !topics.isEmpty else {
            throw KafkaError.configuration("a consumer needs a group id and at least one topic")
        }
        core = try ConsumerCore(configuration: configuration, groupID: groupID, topics: topics, logger: logger)
    }

    /// The records of the subscribed topics, a batch at a time, in offset order per partition.
    ///
    /// The sequence ends after `stop()` or when the iterating task is cancelled.
    public func batches() -> KafkaBatchSequence {
        KafkaBatchSequence(core: core)
    }

    /// The next batch of `batches()`: waits for at least one record; nil once stopped.
    public func nextBatch() async throws -> [KafkaRecord]? {
        try await core.nextBatch()
    }

    /// The next batch, or an empty one when no record came within `timeout` (about: the poll waits up to
    /// 100 ms at a time); nil once stopped. For a consumer that gathers several batches before it writes, and
    /// must write what it gathered once the topics fall quiet.
    public func nextBatch(within timeout: Duration) async throws -> [KafkaRecord]? {
        try await core.nextBatch(within: timeout)
    }

    /// Commits, per partition, the offset after the highest of these records, synchronously.
    ///
    /// Records of a partition that was revoked since they were read are left out: the partition's new owner
    /// reads them again from the last commit. Likewise a commit the group refuses because it moved the
    /// partitions to another member meanwhile (unknown member, old generation, rebalance in progress) is
    /// logged, not thrown: a stage carries on instead of stopping on an ordinary rebalance.
    public func commit(_ records: [KafkaRecord]) async throws {
        try await core.commit(records)
    }

    /// Ends `batches()` at the next call for a batch; the batch in hand can still be committed.
    public func stop() {
        core.requestStop()
    }

    /// Stops and leaves the group (revoking this member's partitions). Idempotent.
    public func close() async {
        await core.close()
    }

    /// The partitions this member owns now.
    public var assignment: Set<TopicPartition> {
        core.assignment.withLock { $0.owned }
    }

    /// Whether the record's partition is still owned under the assignment it was read in. A record that is not
    /// current belongs to a partition revoked since: its new owner reads it again, so it is neither handled
    /// nor committed here.
    public func isCurrent(_ record: KafkaRecord) -> Bool {
        core.assignment.withLock { $0.generation(of: record.topicPartition) == record.generation }
    }

    /// Stops fetching these partitions until `resume(_:)`; records already handed out stay valid, and
    /// fetching resumes after the last record handed out. A stage pauses a partition whose records it
    /// cannot take yet, so the others keep flowing.
    public func pause(_ partitions: [TopicPartition]) {
        core.setPaused(partitions, paused: true)
    }

    /// Fetches these partitions again (a partition that is not paused is left as it is).
    public func resume(_ partitions: [TopicPartition]) {
        core.setPaused(partitions, paused: false)
    }

    /// Records behind the end of each owned partition (high watermark minus this consumer's position),
    /// from librdkafka's cached watermarks: no broker round trip.
    public func lag() async -> [TopicPartition: Int64] {
        await core.lag()
    }
}

/// The batches a `KafkaConsumer` hands out.
public struct KafkaBatchSequence: AsyncSequence, Sendable {
    public typealias Element = [KafkaRecord]
    let core: ConsumerCore

    public struct AsyncIterator: AsyncIteratorProtocol {
        let core: ConsumerCore

        public mutating func next() async throws -> [KafkaRecord]? {
            try await core.nextBatch()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(core: core)
    }
}

final class ConsumerCore: Sendable {
    private let client: KafkaClient
    private let queue: DispatchQueue
    /// Commits and lag reads run here, not on `queue`: a poll waiting on an idle topic must hold up neither.
    private let sideQueue: DispatchQueue
    private let maxBatchSize: Int
    private let stopRequested = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    let assignment = Mutex(ConsumerAssignment())

    var logger: Logger { client.logger }

    init(configuration: KafkaConfiguration, groupID: String, topics: [String], logger: Logger) throws {
        var logger = logger
        logger[metadataKey: "kafka.group"] = "\(groupID)"
        client = try KafkaClient(
            kind: .consumer, properties: configuration.consumerProperties(groupID: groupID), logger: logger
        ) { conf in
            rd_kafka_conf_set_rebalance_cb(conf, consumerRebalanceCallback)
        }
        queue = DispatchQueue(label: "switchboard.kafka.consumer.\(groupID)")
        sideQueue = DispatchQueue(label: "switchboard.kafka.consumer.commit.\(groupID)")
        maxBatchSize = configuration.maxBatchSize
        client.context.onRebalance { [weak self] event in self?.rebalanced(event) }

        let handle = client.handle
        rd_kafka_poll_set_consumer(handle)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, switchboard_rd_kafka_partition_ua())
        }
        let err = rd_kafka_subscribe(handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.from(err, context: "subscribe to \(topics.joined(separator: ","))")
        }
    }

    deinit {
        if !closed.load(ordering: .acquiring) {
            rd_kafka_consumer_close(client.handle)
        }
    }

    private func rebalanced(_ event: RebalanceEvent) {
        switch event {
        case .assigned(let partitions):
            assignment.withLock { $0.assign(partitions) }
            logger.info("Kafka partitions assigned", metadata: ["partitions": "\(partitions.map(\.description))"])
        case .revoked(let partitions):
            assignment.withLock { $0.revoke(partitions) }
            logger.info("Kafka partitions revoked", metadata: ["partitions": "\(partitions.map(\.description))"])
        }
    }

    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
    }

    func nextBatch(within timeout: Duration? = nil) async throws -> [KafkaRecord]? {
        if stopRequested.load(ordering: .acquiring) || Task.isCancelled { return nil }
        let cancelled = CancellationFlag()
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return try await withTaskCancellationHandler {
            try await runBlocking(on: queue) { [self] in try pollBatch(cancelled: cancelled, deadline: deadline) }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Polls until at least one record arrives (then takes what is ready, up to the batch size), until
    /// `deadline` passes without one (empty), or until stopped or cancelled (nil).
    private func pollBatch(cancelled: CancellationFlag, deadline: ContinuousClock.Instant?) throws -> [KafkaRecord]? {
        var records: [KafkaRecord] = []
        while records.count < maxBatchSize {
            if stopRequested.load(ordering: .acquiring) || cancelled.isSet || closed.load(ordering: .acquiring) {
                // Records already read are handed out rather than dropped: the caller may still commit them.
                return records.isEmpty ? nil : records
            }
            guard let message = rd_kafka_consumer_poll(client.handle, records.isEmpty ? 100 : 0) else {
                if !records.isEmpty { break }
                if let deadline, ContinuousClock.now >= deadline { return [] }
                continue
            }
            defer { rd_kafka_message_destroy(message) }
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                let error = KafkaError.from(message.pointee.err, context: "consume")
                if error.code == .fatal { throw error }
                logger.warning("Kafka consumer error", metadata: ["error": "\(error)"])
                continue
            }
            records.append(copyRecord(message))
        }
        return records
    }

    private func copyRecord(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaRecord {
        let partition = TopicPartition(
            topic: String(cString: rd_kafka_topic_name(message.pointee.rkt)), partition: message.pointee.partition)
        let generation = assignment.withLock { $0.generation(of: partition) } ?? -1
        return KafkaRecord(copying: message, generation: generation)
    }

    func setPaused(_ partitions: [TopicPartition], paused: Bool) {
        guard !partitions.isEmpty, !closed.load(ordering: .acquiring) else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions { rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition) }
        let err =
            paused ? rd_kafka_pause_partitions(client.handle, list) : rd_kafka_resume_partitions(client.handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning(
                "Kafka pause or resume failed",
                metadata: ["error": "\(KafkaError.from(err, context: paused ? "pause" : "resume"))"])
        }
    }

    func commit(_ records: [KafkaRecord]) async throws {
        guard !records.isEmpty else { return }
        try await runBlocking(on: sideQueue) { [self] in
            let (offsets, skipped) = assignment.withLock { $0.commitPlan(for: records) }
            if skipped > 0 {
                logger.info("Not committing records of revoked partitions", metadata: ["records": "\(skipped)"])
            }
            guard !offsets.isEmpty else { return }
            guard !closed.load(ordering: .acquiring) else {
                throw KafkaError(code: .shutDown, reason: "commit after the consumer was closed", isRetriable: false)
            }
            let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for (partition, offset) in offsets {
                rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)?.pointee.offset = offset
            }
            let err = rd_kafka_commit(client.handle, list, 0)
            guard err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET else { return }
            let error = KafkaError.from(err, context: "commit")
            guard error.meansPartitionsMovedToAnotherMember else { throw error }
            // As for records of revoked partitions above: their new owner consumes them again.
            logger.warning(
                "Commit refused: the group moved these partitions to another member, which consumes them again",
                metadata: ["error": "\(error)", "records": "\(records.count)"])
        }
    }

    func close() async {
        requestStop()
        await runBlocking(on: queue) { [self] in
            guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
            let err = rd_kafka_consumer_close(client.handle)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("Kafka consumer close", metadata: ["error": "\(KafkaError.from(err, context: "close"))"])
            }
            assignment.withLock { $0.revokeAll() }
        }
    }

    func lag() async -> [TopicPartition: Int64] {
        await runBlocking(on: sideQueue) { [self] in
            guard !closed.load(ordering: .acquiring) else { return [:] }
            let owned = assignment.withLock { Array($0.owned) }
            guard !owned.isEmpty else { return [:] }
            let list = rd_kafka_topic_partition_list_new(Int32(owned.count))
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for partition in owned { rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition) }
            guard rd_kafka_position(client.handle, list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [:] }
            // Nothing consumed yet from a partition (an idle topic, or just assigned): its committed offset is
            // where this member stands.
            let unknown = rd_kafka_topic_partition_list_new(1)
            defer { rd_kafka_topic_partition_list_destroy(unknown) }
            for index in 0..<Int(list.pointee.cnt) where list.pointee.elems[index].offset < 0 {
                rd_kafka_topic_partition_list_add(
                    unknown, list.pointee.elems[index].topic, list.pointee.elems[index].partition)
            }
            var committed: [TopicPartition: Int64] = [:]
            if let unknown, unknown.pointee.cnt > 0,
                rd_kafka_committed(client.handle, unknown, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR
            {
                for index in 0..<Int(unknown.pointee.cnt) {
                    let element = unknown.pointee.elems[index]
                    committed[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] =
                        element.offset
                }
            }
            var lags: [TopicPartition: Int64] = [:]
            for index in 0..<Int(list.pointee.cnt) {
                let element = list.pointee.elems[index]
                let topic = String(cString: element.topic)
                let partition = TopicPartition(topic: topic, partition: element.partition)
                var low: Int64 = 0
                var high: Int64 = 0
                // The cached watermarks, else (nothing fetched yet) a query to the broker.
                if rd_kafka_get_watermark_offsets(client.handle, topic, element.partition, &low, &high)
                    != RD_KAFKA_RESP_ERR_NO_ERROR || high < 0
                {
                    guard
                        rd_kafka_query_watermark_offsets(client.handle, topic, element.partition, &low, &high, 2000)
                            == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0
                    else { continue }
                }
                let stored = committed[partition] ?? -1
                let position = element.offset >= 0 ? element.offset : (stored >= 0 ? stored : low)
                lags[partition] = max(0, high - position)
            }
            return lags
        }
    }
}

/// Set from a cancellation handler, read by the blocking poll loop.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}

/// librdkafka's rebalance callback: records the change, then applies it as the group protocol requires.
private func consumerRebalanceCallback(
    handle: OpaquePointer?,
    err: rd_kafka_resp_err_t,
    partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    opaque: UnsafeMutableRawPointer?
) {
    guard let handle else { return }
    var changed: [TopicPartition] = []
    if let partitions {
        for index in 0..<Int(partitions.pointee.cnt) {
            let element = partitions.pointee.elems[index]
            changed.append(TopicPartition(topic: String(cString: element.topic), partition: element.partition))
        }
    }
    let context = opaque.map { Unmanaged<KafkaClientContext>.fromOpaque($0).takeUnretainedValue() }
    let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
    switch err {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        context?.rebalance(.assigned(changed))
        if cooperative {
            if let error = rd_kafka_incremental_assign(handle, partitions) { rd_kafka_error_destroy(error) }
        } else {
            rd_kafka_assign(handle, partitions)
        }
        // A partition paused by an earlier owner of this member's assignment starts out fetching.
        if let partitions { rd_kafka_resume_partitions(handle, partitions) }
    default:
        context?.rebalance(.revoked(changed))
        if cooperative {
            if let error = rd_kafka_incremental_unassign(handle, partitions) { rd_kafka_error_destroy(error) }
        } else {
            rd_kafka_assign(handle, nil)
        }
    }
}
