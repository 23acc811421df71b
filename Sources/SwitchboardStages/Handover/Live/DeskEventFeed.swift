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

    public init(kafka: KafkaConfiguration, topic: String, hub: DeskLiveHub, logger: Logger) {
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
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    try await follow()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("Desk event feed failed; reconnecting", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    private func follow() async throws {
        // Readers wait at most 20 ms for new records (`fetch.wait.max.ms`): agents see an event within a
        // fraction of a second.
        let reader = try KafkaPartitionReader(configuration: kafka, logger: logger)
        var assigned = try await reader.assign(topics: [topic], from: .end)
        while assigned.isEmpty, !Task.isCancelled {
            // The topic does not exist yet (a fresh broker): wait for it rather than miss its first events.
            try await Task.sleep(for: .seconds(1))
            assigned = try await reader.assign(topics: [topic], from: .end)
        }
        logger.debug("Desk event feed following", metadata: ["topic": "\(topic)", "partitions": "\(assigned.count)"])
        while !Task.isCancelled {
            for record in try await reader.poll(wait: .milliseconds(200)) {
                if let event = Self.handoverEvent(record.value) { hub.publish(event) }
            }
        }
    }
}
