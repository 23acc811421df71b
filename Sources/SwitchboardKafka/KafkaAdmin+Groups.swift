internal import CRdKafka
public import Logging

extension KafkaAdmin {
    /// The offsets consumer group `group` has committed for `partitions` (`nil` where it has none).
    ///
    /// Uses a consumer handle with the group's id that never subscribes and never commits, so asking does not
    /// join the group or disturb its members.
    public static func committedOffsets(
        of group: String, partitions: [TopicPartition], configuration: KafkaConfiguration, logger: Logger,
        timeout: Duration = .seconds(10)
    ) async throws -> [TopicPartition: Int64?] {
        try configuration.validate()
        guard !partitions.isEmpty else { return [:] }
        var properties = configuration.consumerProperties(groupID: group)
        properties["enable.auto.commit"] = "false"
        let client = try KafkaClient(kind: .consumer, properties: properties, logger: logger)
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        return try await runBlocking {
            try client.committedOffsets(of: partitions, group: group, timeout: milliseconds)
        }
    }
}

extension KafkaClient {
    /// The offsets `group`, this consumer handle's group, has committed for `partitions` (`nil` where it has none). Blocks
    /// for up to `timeout` milliseconds: call it off the cooperative pool.
    func committedOffsets(
        of partitions: [TopicPartition], group: String, timeout: Int32
    ) throws -> [TopicPartition: Int64?] {
        guard let list = rd_kafka_topic_partition_list_new(Int32(partitions.count)) else {
            throw KafkaError.configuration("librdkafka could not allocate a partition list")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            _ = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)
        }
        let err = rd_kafka_committed(handle, list, timeout)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.from(err, context: "committed offsets of group \(group)")
        }
        var offsets: [TopicPartition: Int64?] = [:]
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            let partition = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
            offsets[partition] = element.offset >= 0 ? element.offset : nil
        }
        return offsets
    }
}
