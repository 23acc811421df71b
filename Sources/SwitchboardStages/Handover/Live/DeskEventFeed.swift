import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka

/// Feeds the ``DeskLiveHub`` from the `events` topic: every replica of human-handover reads all of its
/// partitions directly (no consumer group, from the end at start-up), so an agent connected to any replica
/// sees what happened on all of them, and what the `handover` stage announced (new hand-overs, customer
/// messages) as well as what the agent API changed (claims, transfers, resolves, escalations).
public struct DeskEventFeed: Service {
    let kafka: KafkaConfiguration
    let topic: String
    let hub: DeskLiveHub
    let logger: Logger

    /// How long a fetch may wait for new events: a person watching the desk does not notice a quarter of a
    /// second, and the idle feed then asks the broker 4 times a second instead of 50.
    public static let fetchWait = Duration.milliseconds(250)

    public init(kafka: KafkaConfiguration, topic: String, hub: DeskLiveHub, logger: Logger) {
        var kafka = kafka
        kafka.fetchWait = max(kafka.fetchWait, Self.fetchWait)
        self.kafka = kafka
        self.topic = topic
        self.hub = hub
        self.logger = logger
    }

    /// The hand-over event a record carries, or nil for anything else (other event types, undecodable).
    public static func handoverEvent(_ value: [UInt8]) -> SwitchboardEvent? {
        guard let event = try? SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data(value)),
            event.type.rawValue.hasPrefix("handover_")
        else { return nil }
        return event
    }

    public func run() async throws {
        let hub = self.hub
        await TopicTail(kafka: kafka, topic: topic, name: "Desk event feed", logger: logger).run { record in
            if let event = Self.handoverEvent(record.value) { hub.publish(event) }
        }
    }
}
