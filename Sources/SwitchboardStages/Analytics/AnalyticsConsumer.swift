import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka

/// Feeds analytics from the `sessioned` (customers' messages), `outbound` and `events` topics, as its own
/// consumer group (`<prefix>analytics`) inside human-handover. Offsets are committed after a batch's facts
/// are stored, and storing is idempotent: after a crash, a rebalance or a replay from the start (a new group,
/// or reset offsets), the facts come out exactly the same.
public struct AnalyticsConsumer: Service {
    let kafka: KafkaConfiguration
    let topics: TopicNames
    let recorder: AnalyticsRecorder
    let logger: Logger

    /// The consumer group's name after the topic prefix.
    public static let group = "analytics"

    public init(kafka: KafkaConfiguration, topics: TopicNames, recorder: AnalyticsRecorder, logger: Logger) {
        self.kafka = kafka
        self.topics = topics
        self.recorder = recorder
        self.logger = logger
    }

    /// The record as analytics reads it, nil for what it does not count or cannot decode.
    public static func input(topic: String, value: [UInt8], topics: TopicNames) -> AnalyticsInput? {
        switch topic {
        case topics.events:
            return (try? SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data(value))).map {
                .event($0)
            }
        case topics.sessioned:
            return (try? EnvelopeCodec().decode(value)).map { .inbound($0) }
        case topics.outbound:
            return (try? EnvelopeCodec().decode(value)).map { .outbound($0) }
        default:
            return nil
        }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await consume()
            } catch {
                logger.warning("Analytics could not read the topics; retrying", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(5)) }
            }
        }
    }

    private func consume() async throws {
        let consumer = try KafkaConsumer(
            configuration: kafka, groupID: topics.prefix + Self.group,
            topics: [topics.sessioned, topics.outbound, topics.events], logger: logger)
        do {
            try await withGracefulShutdownHandler {
                for try await batch in consumer.batches() {
                    let current = batch.filter { consumer.isCurrent($0) }
                    let inputs = current.compactMap {
                        Self.input(topic: $0.topic, value: $0.value, topics: topics)
                    }
                    try await recorder.record(inputs)
                    try await consumer.commit(current)
                }
            } onGracefulShutdown: {
                consumer.stop()
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
    }
}
