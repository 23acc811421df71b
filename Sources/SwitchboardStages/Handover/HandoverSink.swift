public import SwitchboardKafka

/// Where the agent API produces records (replies, lifecycle events): returns once the broker has
/// acknowledged every record, and throws otherwise, so an HTTP success always means "on the topic".
///
/// `KafkaProducer` is the real one; tests substitute a sink that fails to exercise the 503 path.
public protocol HandoverSink: Sendable {
    /// Produces `records` in order and waits for their delivery reports.
    func publish(_ records: [KafkaOutgoingRecord]) async throws
}

extension KafkaProducer: HandoverSink {
    public func publish(_ records: [KafkaOutgoingRecord]) async throws {
        try await send(records)
    }
}
