import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka
import Synchronization

/// nlp-plugin's ``ReplyDeltaSink``: reply previews to the `reply-deltas` topic, keyed by conversation.
///
/// `publish` only queues: an engine reading a model's stream never waits for the broker. The service sends
/// what queued in batches, keeping only the newest preview of each reply (each carries the whole text so
/// far), and drops the oldest when more than ``capacity`` replies wait. Failures are logged at debug level
/// and forgotten: previews are best effort, the complete reply goes through the pipeline as always.
/// `switchboard_reply_previews_total{outcome}` counts them: `sent`, `failed`, `dropped` (replaced by a newer
/// preview of the same reply before it was sent, or over capacity).
public final class ReplyDeltaPublisher: ReplyDeltaSink, Service {
    /// Most replies whose previews wait to be sent.
    public let capacity: Int
    private let producer: KafkaProducer
    private let topic: String
    private let logger: Logger
    private let pending = Mutex<[ReplyDelta]>([])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(producer: KafkaProducer, topic: String, logger: Logger, capacity: Int = 1000) {
        self.producer = producer
        self.topic = topic
        self.logger = logger
        self.capacity = max(1, capacity)
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func publish(_ delta: ReplyDelta) {
        let capacity = self.capacity
        let dropped = pending.withLock { pending in
            let before = pending.count
            pending.removeAll { $0.inReplyTo == delta.inReplyTo && $0.sequence <= delta.sequence }
            pending.append(delta)
            if pending.count > capacity { pending.removeFirst(pending.count - capacity) }
            return before + 1 - pending.count
        }
        if dropped > 0 { Self.count("dropped", dropped) }
        wake.yield()
    }

    private static func count(_ outcome: String, _ amount: Int) {
        Counter(label: "switchboard_reply_previews_total", dimensions: [("outcome", outcome)]).increment(by: amount)
    }

    /// Sends queued previews until graceful shutdown; what is still queued then is dropped.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                let batch = pending.withLock { pending in
                    defer { pending.removeAll() }
                    return pending
                }
                guard !batch.isEmpty else { continue }
                let encoder = SwitchboardJSON.makeEncoder()
                let records = batch.compactMap { delta -> KafkaOutgoingRecord? in
                    guard let value = try? encoder.encode(delta) else { return nil }
                    var headers: [KafkaHeader] = []
                    if let traceId = delta.traceId {
                        headers.append(KafkaHeader(name: EnvelopeHeaders.traceId, text: traceId))
                    }
                    return KafkaOutgoingRecord(
                        topic: topic, key: delta.partitionKey, value: Array(value), headers: headers)
                }
                let failed = await producer.sendEach(records).filter { (try? $0.get()) == nil }.count
                Self.count("sent", records.count - failed)
                if failed > 0 {
                    Self.count("failed", failed)
                    logger.debug("Reply previews not sent", metadata: ["count": "\(failed)"])
                }
            }
        } onGracefulShutdown: {
            self.wake.finish()
        }
    }
}
