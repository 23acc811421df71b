import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka
import Synchronization

/// Where nlp-plugin puts a typing indicator it shows before a slow engine answers: at once, not with the
/// batch's outputs (which leave together with the answer, when the indicator would be too late).
public protocol SenderActionSink: Sendable {
    /// Queues `signal` (a `sender_action` envelope); never waits for the broker.
    func publish(_ signal: Envelope)
}

/// nlp-plugin's ``SenderActionSink``: `sender_action` envelopes to the `outbound` topic, keyed by customer (so
/// the answer, produced later with the same key, follows it). Best effort like reply previews: at most
/// ``capacity`` wait (the oldest dropped), failures are logged at debug and counted in
/// `switchboard_bot_sender_actions_total{outcome}` (`sent`, `failed`, `dropped`).
public final class SenderActionPublisher: SenderActionSink, Service {
    /// Most indicators waiting to be sent.
    public let capacity: Int
    private let producer: KafkaProducer
    private let topic: String
    private let logger: Logger
    private let pending = Mutex<[Envelope]>([])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(producer: KafkaProducer, topic: String, logger: Logger, capacity: Int = 1000) {
        self.producer = producer
        self.topic = topic
        self.logger = logger
        self.capacity = max(1, capacity)
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func publish(_ signal: Envelope) {
        let capacity = self.capacity
        let dropped = pending.withLock { pending in
            pending.append(signal)
            let over = max(0, pending.count - capacity)
            pending.removeFirst(over)
            return over
        }
        if dropped > 0 { Self.count("dropped", dropped) }
        wake.yield()
    }

    private static func count(_ outcome: String, _ amount: Int) {
        Counter(label: "switchboard_bot_sender_actions_total", dimensions: [("outcome", outcome)]).increment(
            by: amount)
    }

    /// Sends queued indicators until graceful shutdown; what is still queued then is dropped.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                let batch = pending.withLock { pending in
                    defer { pending.removeAll() }
                    return pending
                }
                guard !batch.isEmpty else { continue }
                let codec = EnvelopeCodec()
                let records = batch.compactMap { signal -> KafkaOutgoingRecord? in
                    guard let value = try? codec.encode(signal) else { return nil }
                    return KafkaOutgoingRecord(
                        topic: topic, key: signal.partitionKey.bytes, value: value,
                        headers: [KafkaHeader(name: EnvelopeHeaders.traceId, text: signal.traceId)])
                }
                let failed = await producer.sendEach(records).filter { (try? $0.get()) == nil }.count
                Self.count("sent", records.count - failed)
                if failed > 0 {
                    Self.count("failed", failed)
                    logger.debug("Typing indicators not sent", metadata: ["count": "\(failed)"])
                }
            }
        } onGracefulShutdown: {
            self.wake.finish()
        }
    }
}
