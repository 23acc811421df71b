import Foundation

/// Replays dead letters the way an operator does: one `switchboard deadletter replay <partition:offset>` per
/// dead letter, a few at a time.
struct FaultsReplay: Sendable {
    /// The `switchboard` executable.
    let cli: String
    let environment: [String: String]
    let concurrency: Int

    /// Replays each letter; how many commands succeeded, and the first failure's output.
    func replay(_ letters: [FaultsBroker.Letter]) async -> (replayed: Int, failure: String?) {
        var replayed = 0
        var failure: String?
        await withTaskGroup(of: (Bool, String).self) { group in
            var next = 0
            func add() {
                guard next < letters.count else { return }
                let reference = letters[next].reference
                next += 1
                group.addTask { await run(["deadletter", "replay", reference]) }
            }
            for _ in 0..<concurrency { add() }
            for await (succeeded, output) in group {
                if succeeded { replayed += 1 } else if failure == nil { failure = output }
                add()
            }
        }
        return (replayed, failure)
    }

    /// Runs the CLI with `arguments`; whether it exited 0, and its output.
    private func run(_ arguments: [String]) async -> (Bool, String) {
        let output = NSTemporaryDirectory() + "switchboard-faults-replay-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        do {
            let pid = try FaultsProcess.launch(cli, arguments, environment: environment, output: output)
            let status = await FaultsProcess.exitStatus(of: pid)
            let text = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return (status == 0, String(text.prefix(300)))
        } catch {
            return (false, "could not run \(cli): \(error)")
        }
    }
}
