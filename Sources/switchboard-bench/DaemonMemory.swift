import Foundation

/// The six daemons' resident memory, read through the pid files deploy/local/daemons.sh writes.
enum DaemonMemory {
    static let names = [
        "channel-webhook", "customer-identification", "session", "message-router", "nlp-plugin", "human-handover",
    ]

    /// A table of each daemon's pid, RSS and peak RSS ("not running" without a live pid).
    static func table(pidDirectory: String) -> String {
        var memory = Table("daemon", "pid", "RSS", "peak RSS")
        for name in names {
            let pidText = (try? String(contentsOfFile: "\(pidDirectory)/\(name).pid", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard let pidText, let pid = Int32(pidText), let usage = ProcessMemory.of(pid: pid) else {
                memory.add(name, pidText ?? "-", "not running", "-")
                continue
            }
            memory.add(name, pidText, formatBytes(usage.residentBytes), formatBytes(usage.peakResidentBytes))
        }
        return memory.render()
    }
}
