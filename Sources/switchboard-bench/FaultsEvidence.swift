import Foundation

/// What the daemons' logs (JSON lines) say during a scenario: the lines about a message (by trace id) and the
/// warnings and errors. Reads only what was written since the scenario started.
struct FaultsEvidence: Sendable {
    let folder: String
    /// Each log's size when the scenario started.
    let offsets: [String: UInt64]

    /// Marks the current end of every log in `folder`.
    static func mark(_ folder: String) -> FaultsEvidence {
        var offsets: [String: UInt64] = [:]
        for file in logs(folder) {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(file)")[.size]) as? NSNumber
            offsets[file] = size?.uint64Value ?? 0
        }
        return FaultsEvidence(folder: folder, offsets: offsets)
    }

    private static func logs(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
    }

    /// The lines written since the mark, per log file (without `.log`).
    func lines() -> [(daemon: String, lines: [Substring])] {
        Self.logs(folder).map { file in
            guard let handle = FileHandle(forReadingAtPath: "\(folder)/\(file)") else { return (file, []) }
            defer { try? handle.close() }
            try? handle.seek(toOffset: offsets[file] ?? 0)
            let data = (try? handle.readToEnd()) ?? Data()
            let text = String(decoding: data, as: UTF8.self)
            return (String(file.dropLast(4)), text.split(separator: "\n"))
        }
    }

    /// Per trace id: how many lines each daemon wrote about it, and the last of them.
    func about(_ traceIds: [String]) -> [String: String] {
        guard !traceIds.isEmpty else { return [:] }
        var found: [String: String] = [:]
        let logs = lines()
        for trace in traceIds {
            var counts: [String] = []
            var last: Substring?
            for (daemon, lines) in logs {
                let matching = lines.filter { $0.contains(trace) }
                if !matching.isEmpty { counts.append("\(daemon) \(matching.count)") }
                if let line = matching.last { last = line }
            }
            found[trace] =
                counts.isEmpty
                ? "no log line names it"
                : "log lines: " + counts.joined(separator: ", ") + "; last: " + String((last ?? "").prefix(300))
        }
        return found
    }

    /// The warnings and errors since the mark, grouped by daemon and message, most frequent first.
    func problems(limit: Int = 8) -> [String] {
        var counts: [String: Int] = [:]
        for (daemon, lines) in lines() {
            for line in lines where line.contains(#""level":"error""#) || line.contains(#""level":"warning""#) {
                let level = line.contains(#""level":"error""#) ? "error" : "warning"
                counts["\(daemon) \(level): \(Self.message(of: line))", default: 0] += 1
            }
        }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(limit).map { "\($0.value)x \($0.key)" }
    }

    /// The `msg` field of a JSON log line (with its `error` field, if any), or the line's start.
    private static func message(of line: Substring) -> String {
        func field(_ name: String, _ length: Int) -> String? {
            guard let range = line.range(of: "\"\(name)\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" }.prefix(length))
        }
        guard let message = field("msg", 100) else { return String(line.prefix(120)) }
        return field("error", 100).map { "\(message) (\($0))" } ?? message
    }
}
