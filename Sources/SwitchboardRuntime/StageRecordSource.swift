public import SwitchboardKafka

/// Where a stage's records come from: a consumer group member in production (``KafkaConsumer``), an in-memory
/// fake in the runner's unit tests.
public protocol StageRecordSource: Sendable {
    /// The next records, in offset order per partition; nil once stopped.
    func nextBatch() async throws -> [KafkaRecord]?
    /// Whether the record's partition is still owned under the assignment it was read in.
    func isCurrent(_ record: KafkaRecord) -> Bool
    /// Stops fetching these partitions (their records already handed out stay valid).
    func pause(_ partitions: [TopicPartition])
    /// Fetches these partitions again.
    func resume(_ partitions: [TopicPartition])
    /// Commits, per partition, the offset after the highest of these records.
    func commit(_ records: [KafkaRecord]) async throws
    /// Records behind the end of each owned partition.
    func lag() async -> [TopicPartition: Int64]
    /// Ends `nextBatch()`.
    func stop()
    /// Leaves the group.
    func close() async
}

/// Where a stage's outputs go: the producer in production, an in-memory fake in unit tests.
public protocol StageRecordSink: Sendable {
    /// Produces the records in order and returns each one's outcome once the broker has answered for all.
    func sendEach(_ records: [KafkaOutgoingRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>]
}

extension KafkaConsumer: StageRecordSource {}

extension KafkaProducer: StageRecordSink {}
