import ArgumentParser
import Foundation

/// `switchboard-bench summary`: which figure is compared with which target, and, from a results file, how
/// the run measured up.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print the targets; with a results file, compare the run's figures with them.",
        discussion: "The results file is what the other commands appended with --results (bench.sh passes one)."
    )

    @Option(help: "The results file of a run; without it only the targets are printed.") var results: String?

    static let targets = [
        "end-to-end rate, closed loop over the larger run (20,000 messages)  >= 1,000 messages/s",
        "  the same rate / the lower local limit (broker six-hop, database)   >= 50 %",
        "closed-loop rates, smaller run (2,000) vs larger run (20,000)         within 20 % of each other",
        "reply latency p99, open loop at 500 messages/s offered                <= 250 ms (and kept up)",
        "webhook ingest while the pipeline runs: acknowledged rate, ack p99    >= 5,000/s, < 25 ms",
    ]

    func run() throws {
        guard let results else {
            printLine("targets (issue 9), each compared with the figure named:")
            for target in Self.targets { printLine("  " + target) }
            return
        }
        let figures = try BenchResults.load(results)
        var table = Table("figure", "measured", "target", "met")
        func row(_ name: String, _ value: Double?, _ format: String, _ target: String, _ met: (Double) -> Bool) {
            guard let value, value.isFinite else {
                table.add(name, "not measured", target, "-")
                return
            }
            let verdict = target.hasPrefix("(") ? "-" : met(value) ? "yes" : "NO"
            table.add(name, String(format: format, value), target, verdict)
        }
        let runs = figures.keys.compactMap { key -> Int? in
            let parts = key.split(separator: "_")
            return parts.count == 3 && parts[0] == "pipeline" && parts[2] == "rate" ? Int(parts[1]) : nil
        }.sorted()
        let large = runs.last.flatMap { figures["pipeline_\($0)_rate"] }
        let small = runs.count > 1 ? figures["pipeline_\(runs[0])_rate"] : nil
        let limits = [("broker", figures["broker_six_hop_rate"]), ("database", figures["database_rate"])]
            .compactMap { name, value in value.map { (name, $0) } }
        let lower = limits.min { $0.1 < $1.1 }
        row("broker six-hop bound", figures["broker_six_hop_rate"], "%.0f msg/s", "(limit)") { _ in true }
        row("database limit", figures["database_rate"], "%.0f msg/s", "(limit)") { _ in true }
        row("end to end, \(runs.last ?? 0) messages", large, "%.0f msg/s", ">= 1000 msg/s") { $0 >= 1000 }
        let share = large.flatMap { rate in lower.map { 100 * rate / $0.1 } }
        let lowerName = lower.map { limits.count == 2 ? $0.0 : $0.0 + ", the only one measured" } ?? "none measured"
        row("  share of the lower limit (\(lowerName))", share, "%.0f %%", ">= 50 %") { $0 >= 50 }
        row("end to end, \(runs.first ?? 0) messages", small, "%.0f msg/s", "(compared below)") { _ in true }
        let gap = small.flatMap { small in large.map { 100 * abs(small - $0) / max(small, $0, 1e-9) } }
        row("  gap between the two runs", gap, "%.0f %%", "<= 20 %") { $0 <= 20 }
        let keptUp = figures["open_loop_kept_up"] == 1
        row(
            String(format: "reply p99 at %.0f/s (kept up: %@)", figures["open_loop_rate"] ?? 0, keptUp ? "yes" : "no"),
            figures["open_loop_p99_ms"], "%.0f ms", "<= 250 ms"
        ) { $0 <= 250 && keptUp }
        for label in ["pipeline", "alone", "generator"] {
            let offered = figures["webhook_\(label)_offered"].map { String(format: "%.0f/s offered", $0) } ?? ""
            let rateTarget = label == "pipeline" ? ">= 5000/s" : "(no target)"
            let what = label == "generator" ? "GET /health/live, generator ceiling" : "webhook acks, \(label)"
            row("\(what) (\(offered))", figures["webhook_\(label)_rate"], "%.0f/s", rateTarget) {
                label != "pipeline" || $0 >= 5000
            }
            let p99Target = label == "pipeline" ? "< 25 ms" : "(no target)"
            row(
                label == "generator" ? "  p99, generator ceiling" : "  ack p99, \(label)",
                figures["webhook_\(label)_p99_ms"], "%.1f ms", p99Target
            ) {
                label != "pipeline" || $0 < 25
            }
        }
        printLine(table.render())
    }
}
