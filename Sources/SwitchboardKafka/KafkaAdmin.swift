internal import CRdKafka
public import Logging

/// A topic to create.
public struct KafkaTopicSpec: Sendable, Hashable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int

    public init(name: String, partitions: Int, replicationFactor: Int = 1) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
    }
}

/// A topic as the broker's metadata describes it.
public struct KafkaTopicInfo: Sendable, Hashable {
    public var name: String
    public var partitions: Int
}

/// Topic administration: create topics with a partition count, list topics.
public final class KafkaAdmin: Sendable {
    private let client: KafkaClient
    private let timeout: Duration

    public init(configuration: KafkaConfiguration, logger: Logger, timeout: Duration = .seconds(15)) throws {
        try configuration.validate()
        client = try KafkaClient(kind: .producer, properties: configuration.adminProperties, logger: logger)
        self.timeout = timeout
    }

    /// Creates the topics that do not exist yet; returns the names it created. Topics that already exist
    /// are left as they are.
    @discardableResult
    public func createTopics(_ specs: [KafkaTopicSpec]) async throws -> [String] {
        guard !specs.isEmpty else { return [] }
        let client = self.client
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        return try await runBlocking {
            let handle = client.handle
            var errorText = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
            for spec in specs {
                guard
                    let topic = rd_kafka_NewTopic_new(
                        spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errorText, errorText.count)
                else {
                    throw KafkaError.configuration(
                        "topic \(spec.name): \(String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
                    )
                }
                newTopics.append(topic)
            }
            let queue = rd_kafka_queue_new(handle)
            defer { rd_kafka_queue_destroy(queue) }
            let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &errorText, errorText.count)
            rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &errorText, errorText.count)
            newTopics.withUnsafeMutableBufferPointer { buffer in
                rd_kafka_CreateTopics(handle, buffer.baseAddress, buffer.count, options, queue)
            }
            guard let event = rd_kafka_queue_poll(queue, milliseconds + 1000) else {
                throw KafkaError(code: .timedOut, reason: "create topics: no answer", isRetriable: true)
            }
            defer { rd_kafka_event_destroy(event) }
            let err = rd_kafka_event_error(event)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.from(err, context: "create topics") }
            var count = 0
            guard let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            else { return [] }
            var created: [String] = []
            for index in 0..<count {
                let result = results[index]
                let name = String(cString: rd_kafka_topic_result_name(result))
                let topicErr = rd_kafka_topic_result_error(result)
                switch topicErr {
                case RD_KAFKA_RESP_ERR_NO_ERROR: created.append(name)
                case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: continue
                default: throw KafkaError.from(topicErr, context: "create topic \(name)")
                }
            }
            return created
        }
    }

    /// Every topic the broker knows, sorted by name.
    public func listTopics() async throws -> [KafkaTopicInfo] {
        let client = self.client
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        return try await runBlocking {
            var metadata: UnsafePointer<rd_kafka_metadata_t>?
            let err = rd_kafka_metadata(client.handle, 1, nil, &metadata, milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw KafkaError.from(err, context: "list topics")
            }
            defer { rd_kafka_metadata_destroy(metadata) }
            var topics: [KafkaTopicInfo] = []
            for index in 0..<Int(metadata.pointee.topic_cnt) {
                let topic = metadata.pointee.topics[index]
                guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
                topics.append(KafkaTopicInfo(name: String(cString: topic.topic), partitions: Int(topic.partition_cnt)))
            }
            return topics.sorted { $0.name < $1.name }
        }
    }
}
