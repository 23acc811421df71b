import ArgumentParser
import Foundation

/// Benchmarks: commands that print figures. Speed and memory targets live here, not in timed tests.
@main
struct SwitchboardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard-bench",
        abstract: "Measure Switchboard: hot paths, the local limits, and the running pipeline.",
        discussion: "Exit codes: 0 measured, 1 the measurement failed (e.g. replies missing), 2 usage.",
        subcommands: [
            MicroCommand.self, BrokerCommand.self, DatabaseCommand.self, PipelineCommand.self, OpenLoopCommand.self,
            WebhookCommand.self, SummaryCommand.self, FaultsCommand.self, SearchCommand.self,
        ]
    )

    /// Runs the command; a ``BenchFailure`` prints its message and exits with its code.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as BenchFailure {
            FileHandle.standardError.write(Data(("switchboard-bench: " + failure.message + "\n").utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            // Usage errors exit 2, as documented (ArgumentParser's own code is 64).
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// A benchmark that could not run or whose run went wrong.
struct BenchFailure: Error {
    var exitCode: Int32
    var message: String

    static func usage(_ message: String) -> BenchFailure { BenchFailure(exitCode: 2, message: message) }
    static func failed(_ message: String) -> BenchFailure { BenchFailure(exitCode: 1, message: message) }
}
