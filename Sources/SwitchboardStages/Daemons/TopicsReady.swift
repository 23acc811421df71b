public import SwitchboardKafka
import Synchronization

/// Whether the installation's topics are known to exist: closed until a background topic bootstrap has
/// finished (see ``DaemonParts/connect(_:logger:needsDatabase:topics:)``).
public final class TopicsReady: Sendable {
    private let ready: Atomic<Bool>

    public init(open: Bool = false) {
        ready = Atomic(open)
    }

    public var isOpen: Bool { ready.load(ordering: .acquiring) }

    public func open() {
        ready.store(true, ordering: .releasing)
    }
}

/// A record sink that sends nothing until the topics exist: producing earlier would let a broker that
/// creates topics on first use create them with its own partition count, and put customers' records on
/// other partitions than the stages expect. Until then every send fails as retriable, so the spool keeps
/// what it is given and replays it later.
public struct TopicGatedSink: InboundRecordSink {
    let sink: any InboundRecordSink
    let topics: TopicsReady

    public init(_ sink: any InboundRecordSink, topics: TopicsReady) {
        self.sink = sink
        self.topics = topics
    }

    public func sendEach(_ records: [KafkaOutgoingRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        guard topics.isOpen else {
            let error = KafkaError(
                code: .transport, reason: "the broker has not answered since start: the topics are not created yet",
                isRetriable: true)
            return records.map { _ in .failure(error) }
        }
        return await sink.sendEach(records)
    }
}
