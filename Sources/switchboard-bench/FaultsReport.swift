import Foundation

/// The fault suite's table, the notes under it and the results file.
enum FaultsReport {
    /// What the results file holds.
    struct Results: Codable, Sendable {
        var date: Date
        var machine: String
        var commit: String
        var command: String
        var settings: [String: String]
        var scenarios: [FaultsOutcome]
    }

    /// Writes a line to standard output at once (`print` holds lines back when the output is a pipe, and
    /// progress should show while the suite runs, also through `tee`).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// One line per scenario as it finishes.
    static func progress(_ outcome: FaultsOutcome) -> String {
        String(
            format: "%@: %d sent, %d accepted, %d stored, %d replied, %d lost, %d duplicated, recovered in %@ (%@)",
            outcome.fault, outcome.total.sent, outcome.total.accepted, outcome.total.stored, outcome.total.replied,
            outcome.total.lost, outcome.total.duplicated, seconds(outcome.recoverSeconds), outcome.drainEnd)
    }

    /// The table of every scenario.
    static func table(_ outcomes: [FaultsOutcome]) -> String {
        var table = Table(
            "fault", "sent", "accepted", "stored", "replied", "lost", "duplicated", "recover s", "dead letters")
        var total = FaultsOutcome.Counts()
        for outcome in outcomes {
            let counts = outcome.total
            total.add(counts)
            let letters = outcome.deadLetters.values.reduce(0, +)
            table.rows.append([
                outcome.description, "\(counts.sent)", "\(counts.accepted)", "\(counts.stored)", "\(counts.replied)",
                "\(counts.lost)", "\(counts.duplicated)", seconds(outcome.recoverSeconds),
                letters == 0 ? "0" : "\(letters)" + (outcome.replayed.map { " (\($0) replayed)" } ?? ""),
            ])
        }
        table.rows.append([
            "all", "\(total.sent)", "\(total.accepted)", "\(total.stored)", "\(total.replied)", "\(total.lost)",
            "\(total.duplicated)", "", "",
        ])
        return table.render()
    }

    /// What each scenario saw beyond the table: channels, refusals, notes, examples.
    static func details(_ outcomes: [FaultsOutcome]) -> [String] {
        var lines: [String] = []
        for outcome in outcomes {
            lines.append(
                "\(outcome.fault) (\(outcome.description)), fault \(time(outcome.faultStart))-\(time(outcome.faultEnd)) UTC:"
            )
            for (name, counts) in [("web chat", outcome.webchat), ("WhatsApp", outcome.whatsapp)] {
                lines.append(
                    "  \(name): \(counts.sent) sent, \(counts.accepted) accepted (\(counts.refused) refused, "
                        + "\(counts.refusedButStored) of them stored anyway), \(counts.stored) stored, "
                        + "\(counts.replied) replied, \(counts.lost) lost, \(counts.repliesStoredTwice) replies "
                        + "stored twice, \(counts.sentTwice) sent to the vendor twice")
            }
            lines.append(
                "  recovery: backlog replied \(seconds(outcome.backlogSeconds)) s after the fault ended, last late "
                    + "reply \(seconds(outcome.lateSeconds)) s after (late: over "
                    + String(format: "%.1f", outcome.normalBoundSeconds) + " s); checks stopped "
                    + String(format: "%.0f", outcome.drainSeconds) + " s after the stream: \(outcome.drainEnd)")
            if !outcome.deadLetters.isEmpty {
                let letters = outcome.deadLetters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                lines.append("  dead letters: " + letters.joined(separator: ", "))
            }
            lines += outcome.notes.map { "  " + $0 }
            lines += outcome.examples.map { "  " + $0 }
        }
        return lines
    }

    /// Writes the results as JSON.
    static func write(_ results: Results, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(results).write(to: URL(fileURLWithPath: path))
    }

    /// `12.3`, or `-` when there is nothing to time.
    static func seconds(_ value: Double?) -> String {
        value.map { String(format: "%.1f", $0) } ?? "-"
    }

    /// `HH:mm:ss.SSS` in UTC.
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm:ss.SSS"
        return formatter.string(from: date)
    }
}
