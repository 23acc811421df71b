import Foundation

/// Resident memory of a process, from `/proc/<pid>/status` (Linux).
struct ProcessMemory: Sendable {
    /// Current resident set size (`VmRSS`), in bytes.
    var residentBytes: Int
    /// Peak resident set size since start (`VmHWM`), in bytes.
    var peakResidentBytes: Int

    /// This process's memory; nil where `/proc` is not available.
    static func current() -> ProcessMemory? { read(path: "/proc/self/status") }

    /// Process `pid`'s memory; nil when it is not running.
    static func of(pid: Int32) -> ProcessMemory? { read(path: "/proc/\(pid)/status") }

    private static func read(path: String) -> ProcessMemory? {
        guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var fields: [String: Int] = [:]
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") || line.hasPrefix("VmHWM:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            // `VmHWM:   123456 kB`
            if parts.count >= 2, let kilobytes = Int(parts[1]) { fields[String(parts[0])] = kilobytes * 1024 }
        }
        guard let rss = fields["VmRSS:"], let hwm = fields["VmHWM:"] else { return nil }
        return ProcessMemory(residentBytes: rss, peakResidentBytes: hwm)
    }
}

/// `12.3 MiB`.
func formatBytes(_ bytes: Int) -> String {
    String(format: "%.1f MiB", Double(bytes) / 1_048_576)
}
