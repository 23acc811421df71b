import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages

/// `switchboard trace`: one message's path through the stages, with timings, and its reply.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Follow one message through every topic and the database, with the time each stage took.",
        discussion: """
            Reads every pipeline topic from the beginning up to its current end (without joining a consumer
            group) and the messages collection. Exit codes: 0 found, 1 not found, 4 broker, 5 database.
            """
    )

    @Argument(help: "The envelope id, or the channel's message id.") var id: String

    func run() async throws {
        let context = try OperatorContext()
        let topics = context.topics
        let pipeline = [
            topics.inbound, topics.identified, topics.sessioned, topics.nlp, topics.handover, topics.outbound,
        ]
        let reader = try await context.reader()
        let records = try await context.readAll(pipeline + [topics.deadletter], reader: reader)
        let decoded = records.map { DecodedRecord($0, topics: topics) }
        let wanted = id.lowercased()
        let own = decoded.filter { record in
            guard let envelope = record.envelope else { return false }
            return envelope.id.uuidString.lowercased() == wanted || envelope.channelMessageId == id
        }
        let envelopeID = own.first?.envelope?.id ?? UUID(uuidString: id)
        let replies = decoded.filter { $0.envelope.map { $0.replyTo != nil && $0.replyTo == envelopeID } ?? false }
        let deadLetters = decoded.filter { record in
            guard case .deadLetter(let letter) = record.payload,
                let original = try? EnvelopeCodec().decode(letter.originalBytes)
            else { return false }
            return original.id == envelopeID || original.channelMessageId == id
        }

        var stored: MessageStore.StoredMessage?
        var storedReply: MessageStore.StoredMessage?
        if let envelopeID {
            let database = try await context.database()
            stored = try await context.query { try await database.messages.message(id: envelopeID) }
            storedReply = try await context.query { try await database.messages.reply(to: envelopeID) }
        }
        guard !own.isEmpty || stored != nil else {
            throw CLIFailure.notFound("no message \(id) in \(topics.prefix)* topics or the messages collection")
        }

        let first = own.first?.envelope ?? stored?.envelope
        if let first {
            printLine(
                "message \(first.id.uuidString.lowercased()) tenant \(first.tenantId) channel \(first.channel.rawValue) "
                    + "trace \(first.traceId)")
            printLine("received at webhook \(SwitchboardJSON.formatDate(first.receivedAt))")
        }
        let start = first?.receivedAt ?? own.first?.record.timestamp ?? Date()
        let labels = [
            topics.inbound: "received", topics.identified: "identified", topics.sessioned: "sessioned",
            topics.nlp: "routed to bot", topics.handover: "routed to human", topics.outbound: "reply queued",
        ]
        func elapsed(_ date: Date?) -> String {
            guard let date else { return "      ?" }
            let ms = Int((date.timeIntervalSince(start) * 1000).rounded())
            return "+\(ms)ms".padding(toLength: 9, withPad: " ", startingAt: 0)
        }
        for record in (own + replies).sorted(by: { ($0.record.timestamp ?? start) < ($1.record.timestamp ?? start) }) {
            guard let envelope = record.envelope else { continue }
            let isReply = envelope.replyTo != nil
            let label = isReply ? "reply" : labels[record.record.topic] ?? record.record.topic
            var detail: [String] = []
            if let customer = envelope.customerId { detail.append("customer=\(customer)") }
            if let session = envelope.sessionId { detail.append("session=\(session)") }
            if let route = envelope.annotations.routeDecision {
                detail.append("route=\(route.target.rawValue)(\(route.reason))")
            }
            if let intent = envelope.annotations.intent { detail.append("intent=\(intent)") }
            if isReply { detail.append("id=\(envelope.id.uuidString.lowercased())") }
            detail.append("\"\(DecodedRecord.excerpt(envelope.content))\"")
            printLine(
                "  \(elapsed(record.record.timestamp)) \(label.padding(toLength: 16, withPad: " ", startingAt: 0)) "
                    + "\(record.stageName(prefix: topics.prefix).padding(toLength: 10, withPad: " ", startingAt: 0)) "
                    + detail.joined(separator: " "))
        }
        for record in deadLetters {
            if case .deadLetter(let letter) = record.payload {
                printLine(
                    "  \(elapsed(letter.failedAt)) dead-lettered    by \(letter.stage): \(letter.reason) "
                        + "(switchboard deadletter show \(record.record.partition):\(record.record.offset))")
            }
        }
        if let stored {
            printLine("  \(elapsed(stored.created_at)) stored           messages status=\(stored.status)")
        } else {
            printLine("  not stored in the messages collection")
        }
        if let storedReply {
            printLine(
                "  \(elapsed(storedReply.created_at)) reply stored     messages status=\(storedReply.status) "
                    + "\"\(DecodedRecord.excerpt(storedReply.envelope.content))\"")
        } else if replies.isEmpty {
            printLine("  no reply yet")
        }
    }
}
