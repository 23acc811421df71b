public import SwitchboardKafka

/// Where ``InboundSpool`` sends records: the daemon's ``KafkaProducer``, or a fake in tests.
public protocol InboundRecordSink: Sendable {
    /// Produces `records` in order and returns each one's outcome once the broker acknowledged it or it
    /// failed (``KafkaError/Code/recordRejected`` for a record the broker refuses for good).
    func sendEach(_ records: [KafkaOutgoingRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>]
}

extension KafkaProducer: InboundRecordSink {}
