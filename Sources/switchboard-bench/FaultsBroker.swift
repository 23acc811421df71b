import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka

/// What the fault suite reads from the broker: each stage's lag and the dead letters.
struct FaultsBroker: Sendable {
    /// Each stage's consumer group suffix and the topic it reads, as `switchboard topics` lists them.
    static let stageInputs: [(stage: String, topic: String)] = [
        ("customer-identification", "inbound"), ("session", "identified"), ("message-router", "sessioned"),
        ("nlp-plugin", "nlp"), ("human-handover", "handover"), ("channel-webhook-outbound", "outbound"),
    ]

    /// A dead letter with where it sits in the dead-letter topic.
    struct Letter: Sendable {
        var partition: Int32
        var offset: Int64
        var letter: DeadLetter
        /// As `switchboard deadletter replay` takes it.
        var reference: String { "\(partition):\(offset)" }
    }

    let kafka: KafkaConfiguration
    let topics: TopicNames
    let logger: Logger

    init(environment: [String: String]) throws {
        kafka = try KafkaConfiguration(environment: environment)
        topics = TopicNames(prefix: environment["SWITCHBOARD_TOPIC_PREFIX"] ?? "switchboard.")
        var logger = Logger(label: "switchboard-bench-faults")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// The records the six stages have not committed yet, summed (high watermark - committed offset).
    func lag() async throws -> Int64 {
        let reader = try KafkaPartitionReader(configuration: kafka, logger: logger, timeout: .seconds(5))
        let partitions = try await reader.partitions(of: Self.stageInputs.map { topics.prefix + $0.topic })
        var total: Int64 = 0
        for (stage, short) in Self.stageInputs {
            let own = partitions.filter { $0.topic == topics.prefix + short }
            let committed = try await KafkaAdmin.committedOffsets(
                of: topics.prefix + stage, partitions: own, configuration: kafka, logger: logger,
                timeout: .seconds(5))
            for partition in own {
                let high = try await reader.watermarks(of: partition).high
                let done = (committed[partition] ?? nil) ?? 0
                total += max(0, high - done)
            }
        }
        return total
    }

    /// Every dead letter that failed at or after `since`.
    func deadLetters(since: Date) async throws -> [Letter] {
        let reader = try KafkaPartitionReader(configuration: kafka, logger: logger, timeout: .seconds(5))
        var remaining = try await reader.assign(topics: [topics.deadletter], from: .beginning).filter { $0.value > 0 }
        var letters: [Letter] = []
        var idle = 0
        while !remaining.isEmpty, idle < 20 {
            let batch = try await reader.poll(wait: .milliseconds(250))
            idle = batch.isEmpty ? idle + 1 : 0
            for record in batch {
                if let end = remaining[record.topicPartition], record.offset + 1 >= end {
                    remaining[record.topicPartition] = nil
                }
                guard let letter = try? SwitchboardJSON.makeDecoder().decode(DeadLetter.self, from: Data(record.value)),
                    letter.failedAt >= since
                else { continue }
                letters.append(Letter(partition: record.partition, offset: record.offset, letter: letter))
            }
        }
        return letters
    }
}
