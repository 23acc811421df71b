import Foundation
public import SwitchboardCore
public import SwitchboardKafka
import SwitchboardRuntime

/// Produces inbound envelopes to the `inbound` topic, keyed per customer, and returns only once the broker
/// has acknowledged every one: a webhook is answered 2xx only after this returns.
///
/// With an ``InboundSpool``, a broker that does not acknowledge within the spool's publish timeout does not
/// fail the webhook: the records are spooled durably, the webhook is answered 2xx, and the spool replays them
/// in order once the broker is back.
///
/// Delivery-status webhooks are not customer messages: they become `delivery_status` events on the
/// `events` topic and update the stored outbound message the provider refers to.
public struct InboundPublisher: Sendable {
    private let producer: KafkaProducer
    private let topic: String
    private let eventsTopic: String
    private let messages: MessageStore?
    private let spool: InboundSpool?
    private let recordLimit: Int

    /// A publisher producing with `producer`; records above `recordLimit` bytes (the producer's
    /// `message.max.bytes`) are refused with 413 before anything is sent.
    public init(
        producer: KafkaProducer, topics: TopicNames, messages: MessageStore? = nil, spool: InboundSpool? = nil,
        recordLimit: Int = KafkaConfiguration.defaultRecordLimitBytes
    ) {
        self.recordLimit = recordLimit
        self.producer = producer
        self.topic = topics.inbound
        self.eventsTopic = topics.events
        self.messages = messages
        self.spool = spool
    }

    /// Publishes `envelopes` in order. Throws ``ChannelHTTPError`` 413 when one would not fit in a broker
    /// record (nothing is sent then), 503 (with the broker's reason) when the broker did not acknowledge them
    /// and there is no spool to take them (or it is full or cannot be written), 500 when one cannot be
    /// encoded.
    public func publish(_ envelopes: [Envelope]) async throws(ChannelHTTPError) {
        guard !envelopes.isEmpty else { return }
        let records: [KafkaOutgoingRecord]
        do {
            records = try envelopes.map { envelope in
                guard envelope.kind == .deliveryStatus else {
                    return try StageOutput.envelope(envelope, to: topic).record()
                }
                return try StageOutput.event(
                    Self.event(for: envelope), to: eventsTopic,
                    key: .inbound(
                        tenantId: envelope.tenantId, channel: envelope.channel, externalId: envelope.externalId)
                ).record()
            }
        } catch {
            throw ChannelHTTPError(.internalServerError, "message could not be encoded")
        }
        if records.contains(where: { Self.size(of: $0) > recordLimit }) {
            throw ChannelHTTPError(.contentTooLarge, "message is larger than one broker record (\(recordLimit) bytes)")
        }
        try await send(records)
        guard let messages else { return }
        for envelope in envelopes where envelope.kind == .deliveryStatus {
            guard let status = envelope.deliveryStatus else { continue }
            do {
                if let providerId = envelope.relatesTo {
                    try await messages.recordDeliveryStatus(
                        tenantId: envelope.tenantId, providerMessageId: providerId, state: status.state,
                        error: status.error, at: envelope.receivedAt)
                } else if status.state == .read, let watermark = envelope.channelTimestamp {
                    // Messenger's read receipt names no message: everything sent to the customer before it.
                    try await messages.applyReadWatermark(
                        tenantId: envelope.tenantId, channel: envelope.channel, externalId: envelope.externalId,
                        upTo: watermark)
                }
            } catch {
                throw ChannelHTTPError(.serviceUnavailable, "database unavailable: the status was not recorded")
            }
        }
    }

    private func send(_ records: [KafkaOutgoingRecord]) async throws(ChannelHTTPError) {
        if let spool {
            do {
                try await spool.publish(records)
            } catch {
                throw ChannelHTTPError(.serviceUnavailable, Self.reason(error))
            }
            return
        }
        do {
            try await producer.send(records)
        } catch let error as KafkaError {
            throw ChannelHTTPError(.serviceUnavailable, "message broker unavailable: \(error.reason)")
        } catch {
            throw ChannelHTTPError(.serviceUnavailable, "message broker unavailable: \(error)")
        }
    }

    /// Bytes a record takes against `message.max.bytes`: key, value, headers and librdkafka's per-record
    /// overhead (a generous 512 bytes).
    static func size(of record: KafkaOutgoingRecord) -> Int {
        let headers = record.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.count + 16 }
        return (record.key?.count ?? 0) + record.value.count + headers + 512
    }

    private static func reason(_ refusal: InboundSpool.Refusal) -> String {
        switch refusal.code {
        case .full: "message broker unavailable and the spool is full"
        case .unwritable: "message broker unavailable and the spool cannot be written"
        default: "message broker unavailable: \(refusal.reason)"
        }
    }

    /// The `delivery_status` event for a status webhook; its id is derived from the envelope's, so a
    /// redelivered webhook yields the same event.
    static func event(for envelope: Envelope) -> SwitchboardEvent {
        var details = ["channel": envelope.channel.rawValue]
        details["provider_message_id"] = envelope.relatesTo
        details["state"] = envelope.deliveryStatus?.state.rawValue
        details["error"] = envelope.deliveryStatus?.error
        return SwitchboardEvent(
            id: DerivedID.make(from: envelope.id, name: "delivery_status"), type: .deliveryStatus,
            tenantId: envelope.tenantId, traceId: envelope.traceId,
            occurredAt: envelope.channelTimestamp ?? envelope.receivedAt, details: details)
    }
}
