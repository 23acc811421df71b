import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka

/// channel-webhook's reader of the `reply-deltas` topic: hands each reply preview to the web chat streams
/// following its conversation (``ReplyStreams/publish(delta:)``), so a visitor sees the reply being written.
///
/// Every instance must see every preview (the visitor's stream may be open on any of them), so each joins a
/// consumer group of its own, starts at the end of the topic and never commits: previews are only worth
/// something while the reply is being written, and one missed is harmless.
/// `switchboard_webchat_reply_previews_total{outcome}` counts them: `streamed` (to at least one stream of this
/// instance), `unfollowed` (no stream here follows the conversation), `undecodable`.
public final class ReplyDeltaRelay: Service {
    private let kafka: KafkaConfiguration
    private let topic: String
    private let groupID: String
    private let streams: ReplyStreams
    private let logger: Logger

    /// Relays `topics.replyDeltas` to `streams`; the group is `<prefix>channel-webhook-reply-deltas-<uuid>`.
    public init(kafka: KafkaConfiguration, topics: TopicNames, streams: ReplyStreams, logger: Logger) {
        var kafka = kafka
        kafka.autoOffsetReset = .latest
        self.kafka = kafka
        self.topic = topics.replyDeltas
        self.groupID = topics.prefix + "channel-webhook-reply-deltas-" + UUID().uuidString.lowercased()
        self.streams = streams
        self.logger = logger
    }

    /// Joins the group and relays until graceful shutdown, then leaves it. A consumer that fails is logged
    /// and replaced after a pause: previews are an extra, never a reason to stop channel-webhook.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await relay()
            } catch {
                logger.warning("Reply previews could not be read; retrying", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(5)) }
            }
        }
    }

    /// Relays with one consumer until graceful shutdown (returns) or a failure (throws).
    private func relay() async throws {
        let consumer = try KafkaConsumer(configuration: kafka, groupID: groupID, topics: [topic], logger: logger)
        let decoder = SwitchboardJSON.makeDecoder()
        do {
            try await withGracefulShutdownHandler {
                for try await batch in consumer.batches() {
                    for record in batch {
                        guard let delta = try? decoder.decode(ReplyDelta.self, from: Data(record.value)) else {
                            logger.debug("Skipped a reply preview that does not decode")
                            Self.count("undecodable")
                            continue
                        }
                        Self.count(streams.publish(delta: delta) > 0 ? "streamed" : "unfollowed")
                    }
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

    private static func count(_ outcome: String) {
        Counter(label: "switchboard_webchat_reply_previews_total", dimensions: [("outcome", outcome)]).increment()
    }
}
