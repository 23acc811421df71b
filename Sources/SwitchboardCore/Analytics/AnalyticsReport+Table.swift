import Foundation

extension AnalyticsReport {
    /// The report as a text table: one row for the whole window, then one per day, channel and agent.
    /// Durations are p50/p90 in seconds, rates in percent, `-` where there is nothing to measure.
    public var tableLines: [String] {
        let header = [
            "slice", "conv", "in", "out", "bot%", "handover%", "frt p50/p90", "resolve p50/p90", "handle p50/p90",
            "duration p50/p90", "fail%", "csat (n)",
        ]
        var rows = [row("total", total)]
        for (day, figures) in byDay.sorted(by: { $0.key < $1.key }) { rows.append(row("day " + day, figures)) }
        for (channel, figures) in byChannel.sorted(by: { $0.key < $1.key }) {
            rows.append(row("channel " + channel, figures))
        }
        for (agent, figures) in byAgent.sorted(by: { $0.key < $1.key }) { rows.append(row("agent " + agent, figures)) }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var lines = [line(header)] + rows.map(line)
        let reasons = total.handoverReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        if !reasons.isEmpty { lines.append("hand-over reasons: " + reasons.joined(separator: ", ")) }
        return lines
    }

    private func row(_ name: String, _ figures: AnalyticsFigures) -> [String] {
        [
            name, String(figures.conversations), String(figures.messagesIn), String(figures.messagesOut),
            Self.percent(figures.containmentRate), Self.percent(figures.handoverRate),
            Self.pair(figures.firstResponse), Self.pair(figures.resolution), Self.pair(figures.handleTime),
            Self.pair(figures.sessionDuration), Self.percent(figures.deliveryFailureRate),
            figures.csat.average.map { String(format: "%.2f (%d)", $0, figures.csat.responses) } ?? "-",
        ]
    }

    private static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f", $0 * 100) } ?? "-"
    }

    private static func pair(_ durations: AnalyticsDurations) -> String {
        guard let p50 = durations.p50, let p90 = durations.p90 else { return "-" }
        return String(format: "%.1f/%.1f", p50, p90)
    }
}
