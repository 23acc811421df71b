import Foundation

/// The figures of one web chat run: answers from channel-webhook, replies found in the store.
struct LoadOutcome {
    var answers: [WebChatLoad.Answer]
    var found: [ReplyWatcher.Found]
    /// When the first message was sent (or due).
    var startedAt: Date

    var ack: Latencies {
        var ack = Latencies()
        for answer in answers where answer.failure == nil { ack.add(answer.milliseconds) }
        return ack
    }

    /// From sending (or the send slot) to the reply's `created_at`.
    var reply: Latencies {
        var reply = Latencies()
        for item in found { reply.add(max(0, item.storedAt.timeIntervalSince(item.sentAt) * 1000)) }
        return reply
    }

    var lastStored: Date { found.map(\.storedAt).max() ?? startedAt }
    var lastAnswered: Date {
        answers.map { $0.sentAt.addingTimeInterval($0.milliseconds / 1000) }.max() ?? startedAt
    }
    /// Seconds from the first send to the last reply stored.
    var endToEndSeconds: Double { lastStored.timeIntervalSince(startedAt) }
    var endToEndRate: Double { Double(found.count) / max(endToEndSeconds, 0.001) }
    var acknowledged: Int { answers.filter { $0.failure == nil }.count }

    /// `202: 1990, 200: 10` and the first failure, if any.
    func printAnswers() {
        var statuses: [Int: Int] = [:]
        for answer in answers { statuses[answer.status, default: 0] += 1 }
        let statusText = statuses.keys.sorted().map { "\($0 == 0 ? "no answer" : String($0)): \(statuses[$0]!)" }
        printLine(
            "answers: " + statusText.joined(separator: ", ")
                + " (202: published, 200: published and answered within the daemon's reply wait)")
        if let failure = answers.first(where: { $0.failure != nil })?.failure {
            printLine("first failure: \(failure)")
        }
    }

    /// The ack and reply latency table.
    func latencyTable(ackLabel: String = "webhook ack") -> String {
        var table = Table("latency (ms)", "n", "p50", "p95", "p99", "max")
        let ack = self.ack
        let reply = self.reply
        table.rows.append([ackLabel, "\(ack.count)"] + ack.cells)
        table.rows.append(["reply stored", "\(reply.count)"] + reply.cells)
        return table.render()
    }
}
