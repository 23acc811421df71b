import Foundation

/// The figures of one fault scenario, as printed and written to the results file.
struct FaultsOutcome: Codable, Sendable {
    /// Figures for one channel (or both).
    struct Counts: Codable, Sendable {
        /// Messages the stream sent.
        var sent = 0
        /// Answered 2xx by channel-webhook.
        var accepted = 0
        /// Not answered 2xx (refused, 5xx, no answer).
        var refused = 0
        /// Refused, yet stored anyway (the sender would retry it; the id makes the retry a no-op).
        var refusedButStored = 0
        /// Accepted and found in `messages`.
        var stored = 0
        /// Accepted with a reply stored and, for WhatsApp, sent to the vendor.
        var replied = 0
        /// Accepted but never stored or never replied.
        var lost = 0
        /// Messages with more than one reply stored.
        var repliesStoredTwice = 0
        /// WhatsApp messages whose reply the vendor accepted more than once.
        var sentTwice = 0

        /// Messages duplicated either way.
        var duplicated = 0
    }

    var fault: String
    var description: String
    var faultStart: Date
    var faultEnd: Date
    var total = Counts()
    var webchat = Counts()
    var whatsapp = Counts()
    /// Seconds from the fault's end until every message accepted before it was replied (those replied).
    var backlogSeconds: Double?
    /// Seconds from the fault's end until the last reply that came later than the normal bound.
    var lateSeconds: Double?
    /// The normal bound: 2 x the p99 reply latency before the fault, at least 1 s.
    var normalBoundSeconds: Double
    /// Dead letters written during the scenario, by stage.
    var deadLetters: [String: Int] = [:]
    /// Dead letters replayed with `switchboard deadletter replay`.
    var replayed: Int?
    /// Seconds from the end of the stream until the checks stopped (all replied, settled, or timed out).
    var drainSeconds: Double
    /// Why the checks stopped: `complete`, `settled` (nothing moved and no lag) or `timeout`.
    var drainEnd: String
    /// What happened along the way (restarts, readiness, replay).
    var notes: [String] = []
    /// A few lost or duplicated messages with what the store and logs show.
    var examples: [String] = []

    /// Time to recover: the later of the two, nil when nothing was replied.
    var recoverSeconds: Double?
}

extension FaultsOutcome {
    /// Counts the ledger's messages and times the recovery.
    static func tally(
        fault: String, description: String, start: Date, end: Date, ledger: FaultsLedger
    ) -> FaultsOutcome {
        var baseline = Latencies()
        for message in ledger.messages where message.accepted && message.due < start.addingTimeInterval(-2) {
            if let replied = ledger.replyTime(message) { baseline.add(replied.timeIntervalSince(message.due) * 1000) }
        }
        let bound = max(1.0, 2 * (baseline.percentile(99) ?? 500) / 1000)
        var outcome = FaultsOutcome(
            fault: fault, description: description, faultStart: start, faultEnd: end, normalBoundSeconds: bound,
            drainSeconds: 0, drainEnd: "")
        let fates = ledger.fates
        for message in ledger.messages {
            let fate = fates[message.id] ?? FaultsLedger.Fate()
            var counts = Counts()
            counts.sent = 1
            if message.accepted {
                counts.accepted = 1
                counts.stored = fate.stored ? 1 : 0
                counts.replied = ledger.isReplied(message) ? 1 : 0
                counts.lost = ledger.isComplete(message) ? 0 : 1
            } else {
                counts.refused = 1
                counts.refusedButStored = fate.stored ? 1 : 0
            }
            counts.repliesStoredTwice = Set(fate.replies.map(\._id)).count > 1 ? 1 : 0
            counts.sentTwice = fate.sends.count > 1 ? 1 : 0
            counts.duplicated = max(counts.repliesStoredTwice, counts.sentTwice)
            outcome.total.add(counts)
            if message.channel == .webchat { outcome.webchat.add(counts) } else { outcome.whatsapp.add(counts) }
            guard message.accepted, let replied = ledger.replyTime(message) else { continue }
            let afterEnd = replied.timeIntervalSince(end)
            if message.due < end {
                outcome.backlogSeconds = max(outcome.backlogSeconds ?? 0, afterEnd)
            } else if replied.timeIntervalSince(message.due) > bound {
                outcome.lateSeconds = max(outcome.lateSeconds ?? 0, afterEnd)
            }
        }
        if let backlog = outcome.backlogSeconds { outcome.backlogSeconds = max(0, backlog) }
        let times = [outcome.backlogSeconds, outcome.lateSeconds].compactMap { $0 }
        outcome.recoverSeconds = times.max()
        return outcome
    }
}

extension FaultsOutcome.Counts {
    mutating func add(_ other: FaultsOutcome.Counts) {
        sent += other.sent
        accepted += other.accepted
        refused += other.refused
        refusedButStored += other.refusedButStored
        stored += other.stored
        replied += other.replied
        lost += other.lost
        repliesStoredTwice += other.repliesStoredTwice
        sentTwice += other.sentTwice
        duplicated += other.duplicated
    }
}
