public import Foundation

/// Runs a program to its end and returns its exit status and what it printed (standard output and error
/// together), waiting with ``Foundation/Process/ended(killingAt:)``. The child runs with
/// ``TestStack/libmongocQuiet`` unless the environment given says otherwise.
public enum ChildProcess {
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(TestStack.uniqueName("process"))
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment.merging(TestStack.libmongocQuiet) { given, _ in given }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try await process.ended()
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}

extension Process {
    /// Waits for the process to end without blocking a thread of Swift's cooperative pool: on a two-core
    /// machine two tests blocked in `waitUntilExit()` would stall every other test of the run. A process
    /// still running at `deadline`, if given, is killed. Throws only when the waiting task is cancelled.
    public func ended(killingAt deadline: ContinuousClock.Instant? = nil) async throws {
        while isRunning {
            if let deadline, ContinuousClock.now > deadline { kill(processIdentifier, SIGKILL) }
            try await Task.sleep(for: .milliseconds(20))
        }
        waitUntilExit()  // returns at once: only collects the status
    }
}
