import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka

/// Feeds analytics from the `sessioned` (customers' messages), `outbound` and `events` topics, as its own
/// consumer group (`<prefix>analytics`) inside human-handover. Offsets are committed after a batch's facts
/// are stored, and storing is idempotent: after a crash, a rebalance or a replay from the start (a new group,
/// or reset offsets), the facts come out exactly the same.
///
/// Records are gathered over several polls (``AnalyticsGathering``: `interval`, default 1 s, or
/// `maximumRecords`, default 5,000) and written together: analytics is read by reports, not by the
/// conversation, and the database takes one upsert per session per write.
public struct AnalyticsConsumer: Service {
    let kafka: KafkaConfiguration
    let topics: TopicNames
    let recorder: AnalyticsRecorder
    let logger: Logger
    let interval: Duration
    let maximumRecords: Int

    /// The consumer group's name after the topic prefix.
    public static let group = "analytics"
    /// How long records are gathered before they are written, by default.
    public static let defaultInterval = Duration.seconds(1)

    public init(
        kafka: KafkaConfiguration, topics: TopicNames, recorder: AnalyticsRecorder, logger: Logger,
        interval: Duration = AnalyticsConsumer.defaultInterval, maximumRecords: Int = 5000
    ) {
        // Records are gathered for `interval` anyway: a fetch may wait up to half of it, so the idle consumer
        // asks the broker a few times a second instead of fifty (see `KafkaConfiguration.fetchWait`).
        var kafka = kafka
        kafka.fetchWait = max(kafka.fetchWait, min(interval / 2, .milliseconds(500)))
        self.kafka = kafka
        self.topics = topics
        self.recorder = recorder
        self.logger = logger
        self.interval = interval
        self.maximumRecords = maximumRecords
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
                var gathering = AnalyticsGathering(interval: interval, maximumRecords: maximumRecords)
                var gathered: [KafkaRecord] = []
                while let batch = try await consumer.nextBatch(within: gathering.pollTimeout(at: .now)) {
                    gathered += batch
                    guard gathering.add(batch.count, at: .now) else { continue }
                    try await write(gathered, consumer: consumer)
                    gathered = []
                    gathering.written()
                }
                // Stopped: what was gathered is written and committed before the consumer leaves.
                try await write(gathered, consumer: consumer)
            } onGracefulShutdown: {
                consumer.stop()
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
    }

    /// Stores the facts of the records whose partitions this consumer still owns, then commits them.
    private func write(_ records: [KafkaRecord], consumer: KafkaConsumer) async throws {
        let current = records.filter { consumer.isCurrent($0) }
        guard !current.isEmpty else { return }
        try await recorder.record(current.compactMap { Self.input(topic: $0.topic, value: $0.value, topics: topics) })
        try await consumer.commit(current)
    }
}
