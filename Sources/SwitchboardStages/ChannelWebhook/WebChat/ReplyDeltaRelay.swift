import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka

/// channel-webhook's reader of the `reply-deltas` topic: hands each reply preview to the web chat streams
/// following its conversation (``ReplyStreams/publish(delta:)``), so a visitor sees the reply being written.
///
/// Every instance must see every preview (the visitor's stream may be open on any of them), so each reads all
/// partitions from the end of the topic without a consumer group (``TopicTail``): previews are only worth
/// something while the reply is being written, and one missed is harmless.
/// `switchboard_webchat_reply_previews_total{outcome}` counts them: `streamed` (to at least one stream of this
/// instance), `unfollowed` (no stream here follows the conversation), `undecodable`.
public struct ReplyDeltaRelay: Service {
    private let tail: TopicTail
    private let streams: ReplyStreams
    private let logger: Logger

    /// Relays `topics.replyDeltas` to `streams`.
    public init(kafka: KafkaConfiguration, topics: TopicNames, streams: ReplyStreams, logger: Logger) {
        self.tail = TopicTail(kafka: kafka, topic: topics.replyDeltas, name: "Reply preview relay", logger: logger)
        self.streams = streams
        self.logger = logger
    }

    /// Relays until graceful shutdown.
    public func run() async throws {
        let streams = self.streams
        let logger = self.logger
        await tail.run { record in
            guard let delta = try? SwitchboardJSON.makeDecoder().decode(ReplyDelta.self, from: Data(record.value))
            else {
                logger.debug("Skipped a reply preview that does not decode")
                Self.count("undecodable")
                return
            }
            Self.count(streams.publish(delta: delta) > 0 ? "streamed" : "unfollowed")
        }
    }

    private static func count(_ outcome: String) {
        Counter(label: "switchboard_webchat_reply_previews_total", dimensions: [("outcome", outcome)]).increment()
    }
}
