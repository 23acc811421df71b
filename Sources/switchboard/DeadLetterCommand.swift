import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardKafka

/// `switchboard deadletter`: what no stage could process, and putting it back once the cause is fixed.
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadletter",
        abstract: "List, show and replay dead letters.",
        discussion:
            "<n> is the dead letter's offset, as `list` prints it. Exit codes: 1 no such dead letter, 4 broker.",
        subcommands: [List.self, Show.self, Replay.self],
        defaultSubcommand: List.self
    )

    /// Every dead letter with its offset in the deadletter topic.
    static func letters(_ context: OperatorContext) async throws -> [(record: KafkaRecord, letter: DeadLetter?)] {
        let reader = try await context.reader()
        let records = try await context.readAll([context.topics.deadletter], reader: reader)
        return records.sorted { ($0.timestamp ?? .distantPast, $0.offset) < ($1.timestamp ?? .distantPast, $1.offset) }
            .map { record in
                (record, try? SwitchboardJSON.makeDecoder().decode(DeadLetter.self, from: Data(record.value)))
            }
    }

    static func find(_ n: String, in context: OperatorContext) async throws -> (KafkaRecord, DeadLetter) {
        let parts = n.split(separator: ":")
        guard let offset = Int64(parts.last ?? ""), parts.count <= 2 else {
            throw CLIFailure.usage("<n> is an offset (or partition:offset) from `switchboard deadletter list`")
        }
        let partition = parts.count == 2 ? Int32(parts[0]) : nil
        let found = try await letters(context).first {
            $0.record.offset == offset && (partition == nil || $0.record.partition == partition)
        }
        guard let found, let letter = found.letter else {
            throw CLIFailure.notFound("no dead letter at \(n) in \(context.topics.deadletter)")
        }
        return (found.record, letter)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the dead letters.")

        func run() async throws {
            let context = try OperatorContext()
            let letters = try await DeadLetterCommand.letters(context)
            guard !letters.isEmpty else {
                printLine("no dead letters in \(context.topics.deadletter)")
                return
            }
            printLine(
                "N      FAILED AT                 STAGE                     FROM                            REASON")
            for (record, letter) in letters {
                let n = "\(record.partition):\(record.offset)".padding(toLength: 6, withPad: " ", startingAt: 0)
                guard let letter else {
                    printLine("\(n) (not a dead letter record)")
                    continue
                }
                printLine(
                    [
                        n,
                        SwitchboardJSON.formatDate(letter.failedAt).padding(toLength: 25, withPad: " ", startingAt: 0),
                        letter.stage.padding(toLength: 25, withPad: " ", startingAt: 0),
                        "\(letter.originalTopic)[\(letter.partition)]@\(letter.offset)".padding(
                            toLength: 31, withPad: " ", startingAt: 0),
                        letter.reason,
                    ].joined(separator: " "))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one dead letter with its decoded original.")

        @Argument(help: "The dead letter's offset (or partition:offset).") var n: String

        func run() async throws {
            let context = try OperatorContext()
            let (record, letter) = try await DeadLetterCommand.find(n, in: context)
            printLine("dead letter \(record.partition):\(record.offset) in \(context.topics.deadletter)")
            printLine("stage:     \(letter.stage)")
            printLine("reason:    \(letter.reason)")
            printLine("failed at: \(SwitchboardJSON.formatDate(letter.failedAt))")
            printLine(
                "original:  \(letter.originalTopic)[\(letter.partition)]@\(letter.offset) key \(letter.key ?? "-")")
            printLine("trace id:  \(letter.traceId ?? "-")")
            printLine("original value (\(letter.originalBytes.count) bytes):")
            printLine(String(decoding: letter.originalBytes, as: UTF8.self))
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Produce a dead letter's original bytes, with its original key, back to its original topic.")

        @Argument(help: "The dead letter's offset (or partition:offset).") var n: String

        func run() async throws {
            let context = try OperatorContext()
            let (_, letter) = try await DeadLetterCommand.find(n, in: context)
            let report = try await context.broker {
                let producer = try KafkaProducer(configuration: context.kafka, logger: context.logger)
                var headers = [
                    KafkaHeader(name: "switchboard-replayed-from", text: "\(context.topics.deadletter)@\(n)")
                ]
                if let trace = letter.traceId {
                    headers.append(KafkaHeader(name: EnvelopeHeaders.traceId, text: trace))
                }
                let reports = try await producer.send([
                    KafkaOutgoingRecord(
                        topic: letter.originalTopic, key: letter.key.map { Array($0.utf8) },
                        value: letter.originalBytes,
                        headers: headers)
                ])
                await producer.shutdown()
                return reports.first
            }
            printLine(
                "replayed dead letter \(n) to \(letter.originalTopic)"
                    + (report.map { "[\($0.partition)] at offset \($0.offset)" } ?? ""))
        }
    }
}
