import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages

/// `switchboard customer`: the right of access (export) and the right to erasure (erase) for one customer.
struct CustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Export or erase everything stored about one customer.",
        discussion: """
            The customer is named by the id `switchboard trace` and `switchboard conversation` show. \
            Exit codes: 0 ok, 1 nothing stored about the customer (export), 2 usage, 4 broker, 5 database.
            """,
        subcommands: [Export.self, Erase.self]
    )

    struct Target: ParsableArguments {
        @Option(help: "The tenant id.") var tenant: String
        @Argument(help: "The customer id.") var customer: String
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write everything stored about the customer as JSON: one array of documents per collection.")

        @OptionGroup var target: Target
        @Option(help: "Write to this file instead of standard output.") var out: String?

        func run() async throws {
            let context = try OperatorContext()
            let database = try await context.database()
            let export = try await context.query {
                try await CustomerPrivacy(database: database).export(
                    tenantId: target.tenant, customerId: target.customer)
            }
            guard export.documentCount > 0 else {
                throw CLIFailure.notFound(
                    "nothing is stored about customer \(target.customer) of tenant \(target.tenant)")
            }
            let encoder = SwitchboardJSON.makeEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(export)
            if let out {
                do {
                    try data.write(to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    throw CLIFailure.usage("--out \(out): \(error.localizedDescription)")
                }
                printLine("\(export.documentCount) documents written to \(out)")
            } else {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Erase everything stored about the customer and announce it with a customer_erased event.")

        @OptionGroup var target: Target
        @Option(help: "Seconds to wait for the stages' batches in hand before deleting.")
        var drainSeconds: Double = 60

        func run() async throws {
            try CLIFailure.checkSeconds("--drain-seconds", drainSeconds)
            let context = try OperatorContext()
            let database = try await context.database()
            let producer = try await context.broker {
                try KafkaProducer(configuration: context.kafka, logger: context.logger)
            }
            let erased = try await context.broker {
                try await CustomerPrivacy(database: database).erase(
                    tenantId: target.tenant, customerId: target.customer, kafka: context.kafka, producer: producer,
                    topics: context.topics, logger: context.logger, drainTimeout: .seconds(drainSeconds))
            }
            await producer.shutdown()
            for name in CustomerPrivacy.collections {
                printLine("\(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(erased.deleted[name] ?? 0)")
            }
            printLine("erased customer \(target.customer) of tenant \(target.tenant): \(erased.total) documents")
            if !erased.inFlightDrained {
                printLine(
                    "warning: the stages did not finish their batches in hand within \(drainSeconds) s; "
                        + "run the erase again once they have caught up", error: true)
            }
        }
    }
}
