import Foundation
import SwitchboardTestSupport

/// Runs the built `switchboard` binary as a process and captures what it prints.
struct CLIProcess {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    var environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The CLI against running daemons: their broker, database and topics, and channel-webhook's URL.
    init(against daemons: DaemonProcesses) {
        var environment = daemons.environment
        environment["SWITCHBOARD_WEBHOOK_URL"] = daemons.url("channel-webhook", "").absoluteString
        self.init(environment: environment)
    }

    /// Runs `switchboard arguments…` to the end, with `input` on its standard input.
    func run(_ arguments: [String], input: String? = nil) async throws -> Result {
        let running = try start(arguments, input: input)
        return try await running.finished()
    }

    /// Starts `switchboard arguments…`; `finish()` waits for it and returns what it printed.
    func start(_ arguments: [String], input: String? = nil) throws -> Running {
        let process = Process()
        process.executableURL = DaemonProcesses.binaries.appendingPathComponent("switchboard")
        process.arguments = arguments
        process.environment = environment.merging(TestStack.libmongocQuiet) { given, _ in given }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(TestStack.uniqueName("cli"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        return Running(process: process, out: out, err: err)
    }

    final class Running: @unchecked Sendable {
        // @unchecked: only used from the test's own task.
        let process: Process
        let out: URL
        let err: URL

        init(process: Process, out: URL, err: URL) {
            self.process = process
            self.out = out
            self.err = err
        }

        var output: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }

        /// Waits for the end without blocking a thread of the cooperative pool.
        func finished() async throws -> Result {
            try await process.ended()
            return finish()
        }

        func finish() -> Result {
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, output: output,
                error: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}
