import Foundation
public import Logging
import ServiceLifecycle
public import SwitchboardKafka

/// Follows a topic on every partition from its end, without a consumer group: it assigns the partitions
/// directly (``KafkaPartitionReader``), never commits, and leaves nothing on the broker when it stops. For
/// feeds that every replica of a daemon must see in full and that are only worth something live: the desk's
/// hand-over events, web chat reply previews.
public struct TopicTail: Sendable {
    let kafka: KafkaConfiguration
    let topic: String
    let logger: Logger
    /// What the log lines call this feed.
    let name: String
    /// How long a failed reader waits before it reads again.
    let pause: Duration

    public init(kafka: KafkaConfiguration, topic: String, name: String, logger: Logger, pause: Duration = .seconds(1)) {
        self.kafka = kafka
        self.topic = topic
        self.name = name
        self.logger = logger
        self.pause = pause
    }

    /// Hands every record that arrives to `handle` until graceful shutdown or cancellation. A reader that
    /// fails is logged and replaced after ``pause``: a live feed is never a reason to stop its daemon.
    public func run(_ handle: @escaping @Sendable (KafkaRecord) -> Void) async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    try await follow(handle)
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("\(name) failed; reading again", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: pause)
                }
            }
        }
    }

    private func follow(_ handle: @Sendable (KafkaRecord) -> Void) async throws {
        // Readers wait at most 20 ms for new records (`fetch.wait.max.ms`): a record is handed on within a
        // fraction of a second.
        let reader = try KafkaPartitionReader(configuration: kafka, logger: logger)
        var assigned = try await reader.assign(topics: [topic], from: .end)
        while assigned.isEmpty, !Task.isCancelled {
            // The topic does not exist yet (a fresh broker): wait for it rather than miss its first records.
            try await Task.sleep(for: pause)
            assigned = try await reader.assign(topics: [topic], from: .end)
        }
        logger.debug("\(name) following", metadata: ["topic": "\(topic)", "partitions": "\(assigned.count)"])
        while !Task.isCancelled {
            for record in try await reader.poll(wait: .milliseconds(200)) { handle(record) }
        }
    }
}
