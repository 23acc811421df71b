public import Foundation

extension NLUEvaluation {
    /// The report as Markdown: what `switchboard nlu evaluate` prints and writes to `report.md`.
    public var markdown: String {
        var lines = ["# NLU evaluation", ""]
        if let model { lines.append("model: \(model)  ") }
        var counts = "examples: \(examples) (\(inScopeExamples) in scope"
        if outOfScopeExamples > 0 { counts += ", \(outOfScopeExamples) out of scope `\(outOfScopeIntent)`" }
        lines.append(counts + ")  ")
        lines.append("intent accuracy: \(Self.format(intentAccuracy))  ")
        lines.append("sentence accuracy (intent and all entities right): \(Self.format(sentenceAccuracy))")
        lines += ["", "## Thresholds", ""]
        lines.append("| threshold | accuracy | in-scope accuracy | out-of-scope recall | out-of-scope precision |")
        lines.append("|---|---|---|---|---|")
        lines.append(Self.row("tenant", atThreshold))
        if let bestThreshold { lines.append(Self.row("best", bestThreshold)) }
        lines += ["", "## Most confused intents", ""]
        if confusions.isEmpty {
            lines.append("none")
        } else {
            lines.append("| expected | predicted | count |")
            lines.append("|---|---|---|")
            for confusion in confusions {
                lines.append("| \(confusion.expected) | \(confusion.predicted) | \(confusion.count) |")
            }
        }
        lines += ["", "## Entities (exact spans)", ""]
        if let entityMicro {
            lines.append("| entity | precision | recall | F1 | support |")
            lines.append("|---|---|---|---|---|")
            for score in entities + [entityMicro] {
                lines.append(
                    "| \(score.entity) | \(Self.format(score.precision)) | \(Self.format(score.recall)) | "
                        + "\(Self.format(score.f1)) | \(score.truePositives + score.falseNegatives) |")
            }
        } else {
            lines.append("no entity annotations in the test data")
        }
        lines += ["", "## Speed", ""]
        if let latency {
            lines.append(
                "latency per message: p50 \(Self.format(latency.p50, digits: 3)) ms, "
                    + "p95 \(Self.format(latency.p95, digits: 3)) ms (\(latency.messages) messages, one thread)  ")
        }
        if let cpuLatency {
            lines.append(
                "CPU time per message: p50 \(Self.format(cpuLatency.p50, digits: 3)) ms, "
                    + "p95 \(Self.format(cpuLatency.p95, digits: 3)) ms  ")
        }
        if let trainingSeconds {
            var line = "training: \(Self.format(trainingSeconds, digits: 2)) s"
            if let trainingCPUSeconds { line += " (\(Self.format(trainingCPUSeconds, digits: 2)) s CPU)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON (sorted keys, so two reports diff line by line).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    private static func row(_ label: String, _ figures: AtThreshold) -> String {
        "| \(format(figures.threshold, digits: 2)) (\(label)) | \(format(figures.accuracy)) | "
            + "\(format(figures.inScopeAccuracy)) | \(figures.outOfScopeRecall.map { format($0) } ?? "-") | "
            + "\(figures.outOfScopePrecision.map { format($0) } ?? "-") |"
    }

    /// Fixed decimals, independent of the locale.
    static func format(_ value: Double, digits: Int = 4) -> String {
        String(format: "%.\(digits)f", locale: Locale(identifier: "en_US_POSIX"), value)
    }
}
