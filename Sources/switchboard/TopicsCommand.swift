import ArgumentParser
import SwitchboardKafka

/// `switchboard topics`: the pipeline's topics with partitions and end offsets, and each stage's lag.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List the pipeline's topics and each stage's consumer-group lag.",
        discussion: "Lag = high watermark - committed offset of group <prefix><stage>. Exit 4: broker unreachable.",
        subcommands: [List.self, Create.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List topics with partitions and end offsets, and per stage its lag.")

        func run() async throws {
            let context = try OperatorContext()
            let reader = try await context.reader()
            try await context.broker {
                let partitions = try await reader.partitions(of: context.topics.all)
                var highs: [TopicPartition: Int64] = [:]
                for partition in partitions { highs[partition] = try await reader.watermarks(of: partition).high }
                printLine("TOPIC".padding(toLength: 34, withPad: " ", startingAt: 0) + " PARTITIONS  RECORDS")
                for topic in context.topics.all {
                    let own = partitions.filter { $0.topic == topic }
                    let count = own.reduce(Int64(0)) { $0 + (highs[$1] ?? 0) }
                    let shown = own.isEmpty ? "missing" : "\(own.count)"
                    printLine(
                        topic.padding(toLength: 34, withPad: " ", startingAt: 0)
                            + " \(shown.padding(toLength: 10, withPad: " ", startingAt: 0))  \(own.isEmpty ? "-" : "\(count)")"
                    )
                }
                printLine("")
                printLine("GROUP".padding(toLength: 50, withPad: " ", startingAt: 0) + " TOPIC → LAG")
                for (stage, short) in OperatorContext.stageInputs {
                    let topic = context.topics.prefix + short
                    let group = context.topics.prefix + stage
                    let own = partitions.filter { $0.topic == topic }
                    let committed = try await KafkaAdmin.committedOffsets(
                        of: group, partitions: own, configuration: context.kafka, logger: context.logger)
                    let lag = own.reduce(Int64(0)) { total, partition in
                        let high = highs[partition] ?? 0
                        let done = (committed[partition] ?? nil) ?? 0
                        return total + max(0, high - done)
                    }
                    let hasCommitted = committed.values.contains { $0 != nil }
                    printLine(
                        group.padding(toLength: 50, withPad: " ", startingAt: 0)
                            + " \(topic) → lag \(lag)\(hasCommitted ? "" : " (no commits yet)")")
                }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create every topic of the prefix that does not exist yet.")

        @Option(help: "Partitions per topic (the most replicas a stage can use).") var partitions = 3
        @Option(help: "Replication factor.") var replicationFactor = 1

        func run() async throws {
            try CLIFailure.check("--partitions", partitions, in: 1...Int(Int32.max))
            try CLIFailure.check("--replication-factor", replicationFactor, in: 1...Int(Int16.max))
            let context = try OperatorContext()
            try await context.broker {
                let admin = try KafkaAdmin(configuration: context.kafka, logger: context.logger)
                let created = try await admin.createTopics(
                    context.topics.all.map {
                        KafkaTopicSpec(name: $0, partitions: partitions, replicationFactor: replicationFactor)
                    })
                for topic in context.topics.all {
                    printLine(
                        "\(topic): \(created.contains(topic) ? "created with \(partitions) partitions" : "exists")")
                }
            }
        }
    }
}
