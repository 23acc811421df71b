internal import CRdKafka
import Dispatch
public import Logging

/// How far a consumer group has got through one partition: the offset it resumes from and the partition's high
/// watermark when that was asked.
public struct PartitionProgress: Sendable, Hashable {
    /// The group's committed offset, or the low watermark where it has committed nothing (nothing older is left).
    public var done: Int64
    /// The next offset the partition will write.
    public var high: Int64

    public init(done: Int64, high: Int64) {
        self.done = done
        self.high = high
    }
}

/// Reads how far consumer groups have got through their topics, group-wide: from the committed offsets, so it
/// sees what every member of a group has finished, not only one process.
///
/// It holds one consumer handle per group that never subscribes and never commits, so asking does not join a
/// group or disturb its members.
public final class KafkaGroupProgress: Sendable {
    /// A consumer group and the topic it consumes.
    public struct Stage: Sendable, Hashable {
        public var group: String
        public var topic: String

        public init(group: String, topic: String) {
            self.group = group
            self.topic = topic
        }
    }

    public let stages: [Stage]
    private let clients: [KafkaClient]
    private let queue = DispatchQueue(label: "switchboard.kafka.group-progress")
    private let timeout: Int32

    public init(
        stages: [Stage], configuration: KafkaConfiguration, logger: Logger, timeout: Duration = .seconds(10)
    ) throws {
        try configuration.validate()
        self.stages = stages
        self.timeout = Int32(clamping: timeout.wholeMilliseconds)
        clients = try stages.map { stage in
            var properties = configuration.consumerProperties(groupID: stage.group)
            properties["enable.auto.commit"] = "false"
            properties["enable.auto.offset.store"] = "false"
            return try KafkaClient(kind: .consumer, properties: properties, logger: logger)
        }
    }

    /// Each stage's progress, in the order of `stages`. Per stage the high watermarks are asked before the
    /// committed offsets, and stage by stage in order, so a caller can reason about what was finished when.
    public func read() async throws -> [[TopicPartition: PartitionProgress]] {
        let stages = self.stages
        let clients = self.clients
        let timeout = self.timeout
        return try await runBlocking(on: queue) {
            try zip(stages, clients).map { stage, client in
                try Self.progress(of: stage, client: client, timeout: timeout)
            }
        }
    }

    private static func progress(
        of stage: Stage, client: KafkaClient, timeout: Int32
    ) throws -> [TopicPartition: PartitionProgress] {
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let err = rd_kafka_metadata(client.handle, 1, nil, &metadata, timeout)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError.from(err, context: "read metadata")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var partitions: [TopicPartition] = []
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, String(cString: topic.topic) == stage.topic else {
                continue
            }
            for partition in 0..<Int(topic.partition_cnt) {
                partitions.append(TopicPartition(topic: stage.topic, partition: topic.partitions[partition].id))
            }
        }
        guard !partitions.isEmpty else { throw KafkaError.configuration("topic \(stage.topic) does not exist") }
        var watermarks: [TopicPartition: (low: Int64, high: Int64)] = [:]
        for partition in partitions {
            var low: Int64 = 0
            var high: Int64 = 0
            let err = rd_kafka_query_watermark_offsets(
                client.handle, partition.topic, partition.partition, &low, &high, timeout)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.from(err, context: "watermarks of \(partition)")
            }
            watermarks[partition] = (low, high)
        }
        var progress: [TopicPartition: PartitionProgress] = [:]
        for (partition, committed) in try client.committedOffsets(of: partitions, group: stage.group, timeout: timeout)
        {
            guard let marks = watermarks[partition] else { continue }
            // No commit yet: nothing older than the low watermark is left to do.
            progress[partition] = PartitionProgress(done: max(committed ?? marks.low, marks.low), high: marks.high)
        }
        return progress
    }
}
