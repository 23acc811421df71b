public import SwitchboardCore
public import SwitchboardKafka
import SwitchboardRuntime

/// Produces inbound envelopes to the `inbound` topic, keyed per customer, and returns only once the broker
/// has acknowledged every one: a webhook is answered 2xx only after this returns.
public struct InboundPublisher: Sendable {
    private let producer: KafkaProducer
    private let topic: String

    public init(producer: KafkaProducer, topics: TopicNames) {
        self.producer = producer
        self.topic = topics.inbound
    }

    /// Publishes `envelopes` in order. Throws ``ChannelHTTPError`` 503 (with the broker's reason) when the
    /// broker did not acknowledge them, 500 when one cannot be encoded.
    public func publish(_ envelopes: [Envelope]) async throws(ChannelHTTPError) {
        guard !envelopes.isEmpty else { return }
        let records: [KafkaOutgoingRecord]
        do {
            records = try envelopes.map { try StageOutput.envelope($0, to: topic).record }
        } catch {
            throw ChannelHTTPError(.internalServerError, "message could not be encoded")
        }
        do {
            try await producer.send(records)
        } catch let error as KafkaError {
            throw ChannelHTTPError(.serviceUnavailable, "message broker unavailable: \(error.reason)")
        } catch {
            throw ChannelHTTPError(.serviceUnavailable, "message broker unavailable: \(error)")
        }
    }
}
