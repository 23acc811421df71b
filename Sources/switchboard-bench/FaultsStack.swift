import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The broker and database of the stack deploy/local/stack.sh started in `folder`, by the pids it recorded.
struct FaultsStack: Sendable {
    /// A process of the stack.
    enum Part: String, Sendable {
        case broker = "kafka"
        case database = "mongo"

        /// What its command line contains (checked before every signal).
        var program: String { self == .broker ? "tansu" : "secantusd" }
    }

    let folder: String
    /// The project's virtual environment (`secantusd-py` to restart the database).
    let venv: String

    func pid(_ part: Part) -> Int32? {
        (try? String(contentsOfFile: "\(folder)/\(part.rawValue).pid", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func port(_ part: Part) -> Int? {
        (try? String(contentsOfFile: "\(folder)/\(part.rawValue).port", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Whether both run, started from this folder.
    var isRunning: Bool {
        [Part.broker, .database].allSatisfy { part in
            pid(part).map { FaultsProcess.runs($0, program: part.program) } ?? false
        }
    }

    /// SIGSTOP to the process group: the process keeps its sockets and memory but answers nothing.
    func freeze(_ part: Part) throws {
        guard let pid = pid(part), FaultsProcess.signal(SIGSTOP, pid, program: part.program, group: true) else {
            throw BenchFailure.failed("the \(part.rawValue) process of \(folder) is not running")
        }
    }

    /// SIGCONT to the process group.
    func thaw(_ part: Part) {
        if let pid = pid(part) { FaultsProcess.signal(SIGCONT, pid, program: part.program, group: true) }
    }

    /// SIGKILL to the database's process group, waiting until it is gone.
    func killDatabase() async throws {
        guard let pid = pid(.database), FaultsProcess.signal(SIGKILL, pid, program: Part.database.program, group: true)
        else { throw BenchFailure.failed("the database process of \(folder) is not running") }
        _ = await FaultsProcess.waitForExit(pid, program: Part.database.program, timeout: .seconds(10))
    }

    /// Starts the database again on the same port and storage path, as stack.sh does; waits until it accepts
    /// connections. Whether it did within `timeout`.
    func restartDatabase(environment: [String: String], timeout: Duration = .seconds(60)) async throws -> Bool {
        guard let port = port(.database) else { throw BenchFailure.failed("no mongo.port in \(folder)") }
        let pid = try await FaultsProcess.spawn(
            [
                "\(venv)/bin/secantusd-py", "--host", "127.0.0.1", "--port", String(port), "--standalone",
                "--storage-path",
                "\(folder)/mongo-data",
            ], environment: environment, log: "\(folder)/mongo.log")
        try String(pid).write(toFile: "\(folder)/mongo.pid", atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if FaultsProcess.answers(port: port) { return true }
            guard FaultsProcess.runs(pid, program: Part.database.program) else { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
