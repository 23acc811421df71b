public import Logging
public import SwitchboardCore
public import SwitchboardKafka

/// What one pipeline stage does with one consumed envelope.
///
/// The runner calls it once per record (again after a crash or a rebalance: effects must be idempotent),
/// in order per customer, and produces what it returns before committing the record.
public protocol StageHandler: Sendable {
    /// Returns the records to produce. Throw `StageFailure.permanent` for input that can never succeed
    /// (it is dead-lettered); any other error is treated as transient and retried with backoff.
    func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput]
}

/// Where a consumed envelope came from, and a logger carrying its trace id.
public struct StageContext: Sendable {
    /// Logger with `trace_id`, `tenant` and `envelope_id` metadata set.
    public var logger: Logger
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The topics of this installation.
    public var topics: TopicNames

    public init(logger: Logger, topic: String, partition: Int32, offset: Int64, topics: TopicNames) {
        self.logger = logger
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.topics = topics
    }
}

/// A failure the runner treats as final for this record: the record goes to the dead-letter topic.
public struct StageFailure: Error, Sendable, CustomStringConvertible {
    public var reason: String

    public static func permanent(_ reason: String) -> StageFailure {
        StageFailure(reason: reason)
    }

    public var description: String { reason }
}

/// A record a stage produces.
public struct StageOutput: Sendable {
    public var record: KafkaOutgoingRecord

    public init(record: KafkaOutgoingRecord) {
        self.record = record
    }

    /// An envelope, keyed by its partition key, with the trace id and version headers.
    public static func envelope(_ envelope: Envelope, to topic: String) throws -> StageOutput {
        let value = try EnvelopeCodec().encode(envelope)
        let headers = EnvelopeHeaders.headers(for: envelope).map { KafkaHeader(name: $0.name, value: $0.value) }
        return StageOutput(
            record: KafkaOutgoingRecord(topic: topic, key: envelope.partitionKey.bytes, value: value, headers: headers)
        )
    }

    /// An event on the events topic, keyed like the customer's messages.
    public static func event(_ event: SwitchboardEvent, to topic: String, key: PartitionKey) throws -> StageOutput {
        var headers: [KafkaHeader] = []
        if let traceId = event.traceId { headers.append(KafkaHeader(name: EnvelopeHeaders.traceId, text: traceId)) }
        return StageOutput(
            record: KafkaOutgoingRecord(
                topic: topic, key: key.bytes, value: Array(try SwitchboardJSON.makeEncoder().encode(event)),
                headers: headers))
    }
}
