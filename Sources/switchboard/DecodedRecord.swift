import Foundation
import SwitchboardCore
import SwitchboardKafka

/// A Kafka record read by an operator command, decoded as what its topic carries.
struct DecodedRecord {
    enum Payload {
        case envelope(Envelope)
        case deadLetter(DeadLetter)
        case event(SwitchboardEvent)
        case undecodable(String)
    }

    let record: KafkaRecord
    let payload: Payload

    init(_ record: KafkaRecord, topics: TopicNames) {
        self.record = record
        let decoder = SwitchboardJSON.makeDecoder()
        if record.topic == topics.deadletter {
            payload =
                (try? decoder.decode(DeadLetter.self, from: Data(record.value))).map { .deadLetter($0) }
                ?? .undecodable("not a dead letter")
        } else if record.topic == topics.events {
            payload =
                (try? decoder.decode(SwitchboardEvent.self, from: Data(record.value))).map { .event($0) }
                ?? .undecodable("not an event")
        } else {
            do {
                payload = .envelope(try EnvelopeCodec().decode(record.value))
            } catch {
                payload = .undecodable("\(error)")
            }
        }
    }

    /// The short topic name, without the prefix.
    func stageName(prefix: String) -> String {
        record.topic.hasPrefix(prefix) ? String(record.topic.dropFirst(prefix.count)) : record.topic
    }

    var envelope: Envelope? {
        if case .envelope(let envelope) = payload { return envelope }
        return nil
    }

    var tenant: String? {
        switch payload {
        case .envelope(let envelope): envelope.tenantId
        case .event(let event): event.tenantId
        case .deadLetter(let letter): (try? EnvelopeCodec().decode(letter.originalBytes))?.tenantId
        case .undecodable: nil
        }
    }

    var customer: String? {
        switch payload {
        case .envelope(let envelope): envelope.customerId
        case .event(let event): event.customerId
        default: nil
        }
    }

    var session: String? {
        switch payload {
        case .envelope(let envelope): envelope.sessionId
        case .event(let event): event.sessionId
        default: nil
        }
    }

    var channel: String? { envelope?.channel.rawValue }

    /// One readable line: time, topic, tenant, channel, customer, session, kind, text excerpt, route/intent.
    func line(prefix: String) -> String {
        let time = SwitchboardJSON.formatDate(record.timestamp ?? Date())
        let head = "\(time) \(stageName(prefix: prefix).padding(toLength: 10, withPad: " ", startingAt: 0))"
        switch payload {
        case .envelope(let envelope):
            var parts = [
                head, envelope.tenantId, envelope.channel.rawValue, "customer=\(envelope.customerId ?? "-")",
                "session=\(envelope.sessionId ?? "-")", "\(envelope.direction.rawValue)/\(envelope.kind.rawValue)",
                "\"\(Self.excerpt(envelope.content))\"",
            ]
            if let route = envelope.annotations.routeDecision {
                parts.append("route=\(route.target.rawValue)(\(route.reason))")
            }
            if let intent = envelope.annotations.intent { parts.append("intent=\(intent)") }
            parts.append("id=\(envelope.id.uuidString.lowercased())")
            return parts.joined(separator: " ")
        case .event(let event):
            let details = event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return
                ([
                    head, event.tenantId, "event=\(event.type)", "customer=\(event.customerId ?? "-")",
                    "session=\(event.sessionId ?? "-")",
                ] + details).joined(separator: " ")
        case .deadLetter(let letter):
            return
                "\(head) stage=\(letter.stage) from=\(letter.originalTopic)[\(letter.partition)]@\(letter.offset) "
                + "reason=\"\(letter.reason)\""
        case .undecodable(let why):
            return "\(head) offset=\(record.offset) undecodable (\(why)), \(record.value.count) bytes"
        }
    }

    static func excerpt(_ content: Content?, length: Int = 60) -> String {
        let text: String
        switch content {
        case .text(let value): text = value
        case .media(let media): text = "[media \(media.mimeType ?? media.resolvedKind.rawValue)] \(media.caption ?? "")"
        case .location(let location): text = "[location \(location.latitude),\(location.longitude)]"
        case .interactive(let reply): text = "[choice \(reply.title ?? reply.payload)]"
        case .contact(let contact): text = "[contact \(contact.name)]"
        case .choice(let choice): text = "[\(choice.options.count) options] \(choice.text)"
        case nil: text = ""
        }
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > length ? String(flat.prefix(length - 1)) + "…" : flat
    }
}
