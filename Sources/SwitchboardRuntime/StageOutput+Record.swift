import Foundation
import SwitchboardCore
public import SwitchboardKafka

extension StageOutput {
    /// The Kafka record: an envelope keyed by its partition key with the trace id and version headers; an
    /// event keyed like the customer's messages with the trace id header.
    public func record() throws -> KafkaOutgoingRecord {
        switch self {
        case .envelope(let envelope, let topic):
            let value = try EnvelopeCodec().encode(envelope)
            let headers = EnvelopeHeaders.headers(for: envelope).map { KafkaHeader(name: $0.name, value: $0.value) }
            return KafkaOutgoingRecord(topic: topic, key: envelope.partitionKey.bytes, value: value, headers: headers)
        case .event(let event, let topic, let key):
            var headers: [KafkaHeader] = []
            if let traceId = event.traceId { headers.append(KafkaHeader(name: EnvelopeHeaders.traceId, text: traceId)) }
            return KafkaOutgoingRecord(
                topic: topic, key: key.bytes, value: Array(try SwitchboardJSON.makeEncoder().encode(event)),
                headers: headers)
        case .deadLetter(let letter, let topic, let key):
            var headers = [KafkaHeader(name: "switchboard-deadletter-reason", text: String(letter.reason.prefix(200)))]
            if let traceId = letter.traceId {
                headers.append(KafkaHeader(name: EnvelopeHeaders.traceId, text: traceId))
            }
            return KafkaOutgoingRecord(
                topic: topic, key: key.bytes, value: Array(try SwitchboardJSON.makeEncoder().encode(letter)),
                headers: headers)
        }
    }
}

extension DeadLetter {
    /// The dead-letter record of `record`, keyed like it, with the reason (cut to 200 characters) and the
    /// trace id as headers.
    static func record(
        for record: KafkaRecord, reason: String, stage: String, traceId: String?, topic: String
    ) throws -> KafkaOutgoingRecord {
        let letter = DeadLetter(
            originalTopic: record.topic, partition: record.partition, offset: record.offset,
            key: record.key.map { String(decoding: $0, as: UTF8.self) }, originalBytes: record.value,
            reason: reason, stage: stage, failedAt: Date(), traceId: traceId)
        let value = Array(try SwitchboardJSON.makeEncoder().encode(letter))
        var headers = [KafkaHeader(name: "switchboard-deadletter-reason", text: String(reason.prefix(200)))]
        if let traceId { headers.append(KafkaHeader(name: EnvelopeHeaders.traceId, text: traceId)) }
        return KafkaOutgoingRecord(topic: topic, key: record.key, value: value, headers: headers)
    }
}
