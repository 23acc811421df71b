import ArgumentParser
import Foundation
import Logging

/// `switchboard-bench database`: the database limit, the stage handlers' writes without Kafka.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "database",
        abstract: "Drive the stage handlers' database writes without Kafka; print messages per second.",
        discussion: "Needs the database at $SWITCHBOARD_MONGO_URI (see DatabaseLimit for what one message writes)."
    )

    @Option(help: "Messages to drive through the handlers' writes.") var messages = 20_000
    @Option(help: "Distinct customers sending them.") var customers = 2000
    @OptionGroup var output: BenchResults

    func validate() throws {
        guard messages >= 1, customers >= 1 else { throw ValidationError("--messages and --customers at least 1") }
    }

    func run() async throws {
        var logger = Logger(label: "switchboard-bench")
        logger.logLevel = .error
        let result: DatabaseLimit.Result
        do {
            result = try await DatabaseLimit.measure(
                environment: ProcessInfo.processInfo.environment, messages: messages, customers: customers,
                logger: logger)
        } catch {
            throw BenchFailure.failed("database limit: \(error)")
        }
        printLine(
            String(
                format: "database limit: %.0f messages/s (%d messages from %d customers in %.2f s; %@)",
                result.messagesPerSecond, result.messages, customers, result.seconds, BenchEnvironment.machine))
        try output.record([("database_rate", result.messagesPerSecond)])
    }
}
