public import Foundation

/// A record header: a name and raw bytes.
public struct KafkaHeader: Hashable, Sendable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// A header whose value is UTF-8 text.
    public init(name: String, text: String) {
        self.init(name: name, value: Array(text.utf8))
    }

    /// The value as UTF-8 text, if it is valid UTF-8.
    public var text: String? { String(validating: value, as: UTF8.self) }
}

/// A topic and one of its partitions.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A record read from a topic. Its bytes are Swift-owned copies.
public struct KafkaRecord: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// The record's timestamp, when the broker or producer set one.
    public var timestamp: Date?
    /// The assignment generation the record was read under: commits of records from an assignment that
    /// has since been revoked are dropped.
    let generation: Int

    /// The assignment generation the record was read under (see ``KafkaConsumer/isCurrent(_:)``): state a
    /// stage keeps for a partition is valid only while the generation it was loaded under is current.
    public var assignmentGeneration: Int { generation }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// The first header with this name, as text.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.text
    }

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
        headers: [KafkaHeader] = [], timestamp: Date? = nil, assignmentGeneration: Int = 0
    ) {
        self.init(
            topic: topic, partition: partition, offset: offset, key: key, value: value, headers: headers,
            timestamp: timestamp, generation: assignmentGeneration)
    }

    init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader],
        timestamp: Date?, generation: Int
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
        self.generation = generation
    }
}

/// What the broker acknowledged for one produced record.
public struct KafkaDeliveryReport: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

/// A record to produce.
public struct KafkaOutgoingRecord: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// A record with a UTF-8 text key.
    public init(topic: String, key: String, value: [UInt8], headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: Array(key.utf8), value: value, headers: headers)
    }
}
