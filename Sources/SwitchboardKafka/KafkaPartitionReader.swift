internal import CRdKafka
import Dispatch
public import Foundation
public import Logging

/// Where a ``KafkaPartitionReader`` starts reading each partition.
public enum KafkaStartPosition: Sendable, Hashable {
    /// The oldest record still on the broker.
    case beginning
    /// Only records produced after the assignment.
    case end
    /// The first record at or after this time; the end for partitions with nothing newer.
    case time(Date)
}

/// A partition's low and high watermarks: the first offset still on the broker and the next offset to be written.
public struct KafkaWatermarks: Sendable, Hashable {
    public var low: Int64
    public var high: Int64
}

/// Reads partitions directly, without joining a consumer group: it assigns explicit offsets, never commits, and
/// uses a throwaway `group.id`, so it never takes records away from the daemons' groups. This is what operators'
/// tools (tail, trace, dead-letter listing) read with.
public final class KafkaPartitionReader: Sendable {
    private let client: KafkaClient
    private let queue: DispatchQueue
    private let timeout: Int32
    /// The throwaway group id librdkafka requires; nothing is ever committed under it.
    public let groupID: String

    /// Creates a reader; nothing is read until ``assign(topics:from:)``.
    public init(configuration: KafkaConfiguration, logger: Logger, timeout: Duration = .seconds(10)) throws {
        try configuration.validate()
        let groupID = "switchboard-reader-\(UUID().uuidString.lowercased())"
        var properties = configuration.consumerProperties(groupID: groupID)
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        client = try KafkaClient(kind: .consumer, properties: properties, logger: logger)
        rd_kafka_poll_set_consumer(client.handle)
        queue = DispatchQueue(label: "switchboard.kafka.reader")
        self.timeout = Int32(clamping: timeout.wholeMilliseconds)
        self.groupID = groupID
    }

    /// The partitions of each topic that exists, from the broker's metadata. Missing topics are left out.
    public func partitions(of topics: [String]) async throws -> [TopicPartition] {
        let client = self.client
        let timeout = self.timeout
        return try await runBlocking(on: queue) {
            var metadata: UnsafePointer<rd_kafka_metadata_t>?
            let err = rd_kafka_metadata(client.handle, 1, nil, &metadata, timeout)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw KafkaError.from(err, context: "read metadata")
            }
            defer { rd_kafka_metadata_destroy(metadata) }
            var found: [TopicPartition] = []
            for index in 0..<Int(metadata.pointee.topic_cnt) {
                let topic = metadata.pointee.topics[index]
                let name = String(cString: topic.topic)
                guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, topics.contains(name) else { continue }
                for partition in 0..<Int(topic.partition_cnt) {
                    found.append(TopicPartition(topic: name, partition: topic.partitions[partition].id))
                }
            }
            return found.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
    }

    /// A partition's watermarks, asked from its leader.
    public func watermarks(of partition: TopicPartition) async throws -> KafkaWatermarks {
        let client = self.client
        let timeout = self.timeout
        return try await runBlocking(on: queue) {
            var low: Int64 = 0
            var high: Int64 = 0
            let err = rd_kafka_query_watermark_offsets(
                client.handle, partition.topic, partition.partition, &low, &high, timeout)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.from(err, context: "watermarks of \(partition)")
            }
            return KafkaWatermarks(low: low, high: high)
        }
    }

    /// Assigns every partition of `topics` at `position`, replacing any earlier assignment. Returns the
    /// partitions with their high watermarks at assignment time, so bounded reads know where to stop.
    @discardableResult
    public func assign(topics: [String], from position: KafkaStartPosition) async throws -> [TopicPartition: Int64] {
        let partitions = try await partitions(of: topics)
        var ends: [TopicPartition: Int64] = [:]
        for partition in partitions { ends[partition] = try await watermarks(of: partition).high }
        let client = self.client
        let timeout = self.timeout
        try await runBlocking(on: queue) { [ends] in
            guard let list = rd_kafka_topic_partition_list_new(Int32(partitions.count)) else {
                throw KafkaError.configuration("librdkafka could not allocate a partition list")
            }
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for partition in partitions {
                let entry = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)
                switch position {
                case .beginning: entry?.pointee.offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
                // The high watermark read above rather than the logical end: what "now" means is fixed at
                // assignment, and brokers that resolve the logical end late cannot replay older records.
                case .end: entry?.pointee.offset = ends[partition] ?? Int64(RD_KAFKA_OFFSET_END)
                case .time(let date): entry?.pointee.offset = Int64(date.timeIntervalSince1970 * 1000)
                }
            }
            if case .time = position, !partitions.isEmpty {
                let err = rd_kafka_offsets_for_times(client.handle, list, timeout)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError.from(err, context: "offsets for times")
                }
                for index in 0..<Int(list.pointee.cnt) where list.pointee.elems[index].offset < 0 {
                    list.pointee.elems[index].offset = Int64(RD_KAFKA_OFFSET_END)
                }
            }
            let err = rd_kafka_assign(client.handle, list)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.from(err, context: "assign partitions") }
        }
        return ends
    }

    /// The records that arrive within `wait` (at most `limit`); empty when none did.
    public func poll(wait: Duration, limit: Int = 500) async throws -> [KafkaRecord] {
        let client = self.client
        let milliseconds = Int32(clamping: wait.wholeMilliseconds)
        return try await runBlocking(on: queue) {
            var records: [KafkaRecord] = []
            while records.count < limit {
                guard let message = rd_kafka_consumer_poll(client.handle, records.isEmpty ? milliseconds : 0) else {
                    break
                }
                defer { rd_kafka_message_destroy(message) }
                let err = message.pointee.err
                if err == RD_KAFKA_RESP_ERR__PARTITION_EOF { continue }
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    let error = KafkaError.from(err, context: "read")
                    if error.isRetriable { continue }
                    throw error
                }
                records.append(KafkaRecord(copying: message, generation: 0))
            }
            return records
        }
    }
}
