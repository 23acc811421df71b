public import Logging
public import SwitchboardCore

/// What one pipeline stage does with a consumed batch.
///
/// The runner hands over every decodable envelope of the batch at once, so a handler can read what it lacks
/// with one query per collection, decide in memory in order per key, and write in bulk. It returns one
/// ``StageResult`` per item, in the items' order; the runner encodes and produces the outputs, and commits
/// only after the broker has them. A batch can come again (after a crash, a rebalance or a retry): every
/// effect must be idempotent.
///
/// An item whose result is ``StageResult/failed(_:)``, and every later item of the same key, is handled again
/// on its own with backoff, up to the runner's attempt limit, and then dead-lettered; a thrown error fails
/// every item of the batch that way.
public protocol StageHandler: Sendable {
    func handle(_ batch: StageBatch) async throws -> [StageResult]
}

/// The envelopes of one consumed batch, with where each came from.
public struct StageBatch: Sendable {
    /// The envelopes, in offset order per partition.
    public var items: [StageItem]
    /// The installation's topics.
    public var topics: TopicNames
    /// The stage's logger.
    public var logger: Logger

    public init(items: [StageItem], topics: TopicNames, logger: Logger) {
        self.items = items
        self.topics = topics
        self.logger = logger
    }

    /// Item indices grouped by record key, each group in order; groups in the order their keys first appear.
    public var keyGroups: [[Int]] {
        var order: [[UInt8]] = []
        var groups: [[UInt8]: [Int]] = [:]
        for (index, item) in items.enumerated() {
            if groups[item.origin.key] == nil { order.append(item.origin.key) }
            groups[item.origin.key, default: []].append(index)
        }
        return order.map { groups[$0]! }
    }
}

/// One consumed envelope.
public struct StageItem: Sendable {
    public var envelope: Envelope
    public var origin: StageOrigin
    /// Logger with `trace_id`, `tenant` and `envelope_id` metadata set.
    public var logger: Logger

    public init(envelope: Envelope, origin: StageOrigin, logger: Logger) {
        self.envelope = envelope
        self.origin = origin
        self.logger = logger
    }
}

/// Where a consumed record came from.
public struct StageOrigin: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The record's key bytes (empty when it had none).
    public var key: [UInt8]
    /// The assignment generation it was read under: state loaded for this partition is valid only while it
    /// is read under the same generation (a revoke and a new assignment change it).
    public var generation: Int

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8], generation: Int) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.generation = generation
    }
}

/// What became of one item.
public enum StageResult: Sendable {
    /// Handled: produce these (possibly none).
    case produced([StageOutput])
    /// Input that can never succeed: dead-lettered with the reason.
    case rejected(String)
    /// A transient failure: handled again with backoff.
    case failed(any Error)

    /// The result for an error a handler threw: ``StageFailure`` is a rejection, anything else transient.
    public static func from(_ error: any Error) -> StageResult {
        if let failure = error as? StageFailure { return .rejected(failure.reason) }
        return .failed(error)
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

/// What a stage produces: domain values, encoded by the runner.
public enum StageOutput: Sendable {
    /// An envelope, keyed by its partition key, with the trace id and version headers.
    case envelope(Envelope, to: String)
    /// An event, keyed like the customer's messages.
    case event(SwitchboardEvent, to: String, key: PartitionKey)
    /// A dead letter a stage writes itself while still handling the record (an intent action that failed
    /// while the customer got the fallback reply), keyed like the customer's messages.
    case deadLetter(DeadLetter, to: String, key: PartitionKey)

    /// The topic it goes to.
    public var topic: String {
        switch self {
        case .envelope(_, let topic), .event(_, let topic, _), .deadLetter(_, let topic, _): topic
        }
    }
}

extension StageBatch {
    /// Envelopes as if read in order from one partition of `topic` under one assignment generation, each keyed
    /// by its partition key: a batch for a handler without a broker (unit tests, the database benchmark).
    public init(
        envelopes: [Envelope], topic: String, partition: Int32 = 0, firstOffset: Int64 = 0, generation: Int,
        topics: TopicNames, logger: Logger
    ) {
        let items = envelopes.enumerated().map { index, envelope in
            StageItem(
                envelope: envelope,
                origin: StageOrigin(
                    topic: topic, partition: partition, offset: firstOffset + Int64(index),
                    key: envelope.partitionKey.bytes, generation: generation),
                logger: logger)
        }
        self.init(items: items, topics: topics, logger: logger)
    }
}
