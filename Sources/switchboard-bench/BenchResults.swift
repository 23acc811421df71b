import ArgumentParser
import Foundation

/// `--results FILE`: where a command appends its key figures, one `key value` line each, for `summary`
/// to compare with the targets after a whole `make bench` run.
struct BenchResults: ParsableArguments {
    @Option(help: "Append the key figures to this file as `key value` lines (read by `summary`).")
    var results: String?

    /// Appends `figures` to the results file, when one was given.
    func record(_ figures: [(String, Double)]) throws {
        guard let results else { return }
        let lines = figures.map { "\($0.0) \($0.1)\n" }.joined()
        if !FileManager.default.fileExists(atPath: results) {
            _ = FileManager.default.createFile(atPath: results, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: results) else {
            throw BenchFailure.usage("cannot write \(results)")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.utf8))
    }

    /// The figures in `path`; the last line wins for a key recorded twice.
    static func load(_ path: String) throws -> [String: Double] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BenchFailure.usage("cannot read \(path)")
        }
        var figures: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { figures[String(parts[0])] = value }
        }
        return figures
    }
}
