import ArgumentParser
import Foundation

/// The operators' command-line tool.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Operate a Switchboard installation: tail topics, trace a message, replay dead letters.",
        discussion: "Exit codes: 0 ok, 1 not found, 2 usage, 4 broker unreachable, 5 database unreachable.",
        subcommands: [
            TailCommand.self, TraceCommand.self, SendCommand.self, TopicsCommand.self, DeadLetterCommand.self,
            ConversationCommand.self, AgentsCommand.self, DemoCommand.self, CheckCommand.self, LibraryCheckCommand.self,
            NLUCommand.self, CustomerCommand.self, StatsCommand.self, SearchCommand.self,
        ]
    )

    /// Runs the command, mapping failures to the documented exit codes (usage errors exit 2, not 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            printError(failure.message)
            Foundation.exit(failure.exitCode)
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
