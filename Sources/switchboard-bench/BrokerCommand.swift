import ArgumentParser
import Foundation
import Logging
import SwitchboardKafka

/// `switchboard-bench broker`: the broker's six-hop limit through the project's Kafka adapter.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Produce and consume records through SwitchboardKafka; print the rates and the six-hop bound.",
        discussion: """
            Needs the broker at $SWITCHBOARD_KAFKA_BROKERS (other SWITCHBOARD_KAFKA_* settings as the daemons \
            read them). Produces --records records of --bytes bytes, keyed by --customers customers, to a new \
            topic of --partitions partitions (--chunk records per send call, --in-flight calls at once), then \
            reads them back in a new consumer group, committing every batch. The six-hop bound is \
            1 / (hops / produce rate + hops / consume rate): one message through --hops hops with no overlap.
            """
    )

    @Option(help: "Records to produce and consume.") var records = 50_000
    @Option(help: "Bytes per record value (about an encoded envelope).") var bytes = 1024
    @Option(help: "Distinct keys.") var customers = 2000
    @Option(help: "Partitions of the topic (default $SWITCHBOARD_TOPIC_PARTITIONS or 6, as the pipeline's).")
    var partitions: Int?
    @Option(help: "Records per send call.") var chunk = 500
    @Option(name: .customLong("in-flight"), help: "Send calls in flight at once.") var inFlight = 4
    @Option(help: "Produce-and-consume hops of one pipeline message.") var hops = 6
    @OptionGroup var output: BenchResults

    func validate() throws {
        guard records >= 1, bytes >= 64, customers >= 1, chunk >= 1, inFlight >= 1, hops >= 1, (partitions ?? 1) >= 1
        else {
            throw ValidationError(
                "--records, --customers, --chunk, --in-flight, --hops at least 1; --bytes at least 64")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var kafka: KafkaConfiguration
        do {
            kafka = try KafkaConfiguration(environment: environment)
        } catch {
            throw BenchFailure.usage("\(error)")
        }
        kafka.autoOffsetReset = .earliest
        if environment["SWITCHBOARD_KAFKA_SESSION_TIMEOUT_MS"] == nil { kafka.sessionTimeout = .seconds(6) }
        var logger = Logger(label: "switchboard-bench")
        logger.logLevel = .error
        let partitionCount = partitions ?? Int(environment["SWITCHBOARD_TOPIC_PARTITIONS"] ?? "") ?? 6
        let limit = BrokerLimit(
            configuration: kafka, records: records, valueBytes: bytes, customers: customers,
            partitions: partitionCount, chunk: chunk, inFlight: inFlight, logger: logger)
        let result = try await limit.measure()
        printLine(
            "broker limit: \(records) records of \(bytes) B, \(customers) keys, \(partitionCount) partitions, "
                + "\(chunk) per send x \(inFlight) in flight, broker \(kafka.brokers) (\(BenchEnvironment.machine))")
        printLine(
            String(
                format: "  produce: %.0f records/s (%.2f s, until every delivery report)", result.produceRate,
                result.produceSeconds))
        printLine(
            String(
                format:
                    "  consume: %.0f records/s (%.2f s from the first batch, committing each; group join %.1f s before it)",
                result.consumeRate, result.consumeSeconds, result.joinSeconds))
        printLine(
            String(
                format: "  %d-hop bound: %.0f messages/s = 1 / (%d/produce + %d/consume)", hops,
                result.bound(hops: hops),
                hops, hops))
        try output.record([
            ("broker_produce_rate", result.produceRate), ("broker_consume_rate", result.consumeRate),
            ("broker_six_hop_rate", result.bound(hops: hops)),
        ])
    }
}
