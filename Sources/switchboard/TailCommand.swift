import ArgumentParser
import Foundation
import SwitchboardKafka

/// `switchboard tail`: follow a topic like `tail -f`, without joining any consumer group.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow a topic (or a stage's input topic), one readable line per record.",
        discussion: """
            Reads partitions directly with explicit offsets and never commits, so the daemons' consumer groups
            are not disturbed. Names: a stage (session → identified), a short topic (outbound) or a full one.
            Exit codes: 0 ok, 2 usage, 4 broker unreachable.
            """
    )

    @Argument(help: "A topic or stage: inbound, identified, ..., deadletter, events, or a stage name.")
    var name: String
    @Flag(help: "Start at the oldest record instead of now.") var fromBeginning = false
    @Option(help: "Start this far back, e.g. 30s, 10m, 2h.") var since: String?
    @Option(help: "Only this tenant.") var tenant: String?
    @Option(help: "Only this customer id.") var customer: String?
    @Option(help: "Only this session id.") var session: String?
    @Option(help: "Only this channel, e.g. webchat.") var channel: String?
    @Flag(help: "Print each record's raw JSON value.") var json = false
    @Option(help: "Stop after this many records.") var limit: Int?
    @Option(help: "Stop after this many seconds.") var timeout: Double?

    func run() async throws {
        if let limit { try CLIFailure.check("--limit", limit, in: 1...Int.max) }
        if let timeout { try CLIFailure.checkSeconds("--timeout", timeout) }
        let context = try OperatorContext()
        var position = KafkaStartPosition.end
        // Records older than this are skipped even if the broker's end offset lags behind its log (Tansu
        // reports the last batch's base offset + 1 as the high watermark), so "from now" really means now.
        var notBefore: Date? = Date()
        if fromBeginning {
            position = .beginning
            notBefore = nil
        }
        if let since {
            guard let seconds = parseDuration(since) else {
                throw CLIFailure.usage(
                    "--since: not a duration from 0 to \(Int(CLIFailure.longestSeconds))s (e.g. 30s, 10m, 2h): \(since)"
                )
            }
            let start = Date().addingTimeInterval(-seconds)
            position = .time(start)
            notBefore = start
        }
        let topic = context.topic(named: name)
        let reader = try await context.reader()
        let partitions = try await context.broker { try await reader.assign(topics: [topic], from: position) }
        guard !partitions.isEmpty else {
            throw CLIFailure.notFound("topic \(topic) does not exist (`switchboard topics` lists them)")
        }
        printLine(
            "tailing \(topic) (\(partitions.count) partitions, ends \(partitions.sorted { $0.key.partition < $1.key.partition }.map { "\($0.key.partition):\($0.value)" }.joined(separator: ",")))"
                + " as reader \(reader.groupID) (joins no group, never commits)",
            error: true)
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var shown = 0
        while deadline.map({ Date() < $0 }) ?? true {
            let records = try await context.broker { try await reader.poll(wait: .milliseconds(200)) }
            for record in records {
                if let notBefore, let time = record.timestamp, time < notBefore { continue }
                let decoded = DecodedRecord(record, topics: context.topics)
                guard matches(decoded) else { continue }
                printLine(
                    json ? String(decoding: record.value, as: UTF8.self) : decoded.line(prefix: context.topics.prefix))
                shown += 1
                if let limit, shown >= limit { return }
            }
        }
    }

    private func matches(_ record: DecodedRecord) -> Bool {
        if let tenant, record.tenant != tenant { return false }
        if let customer, record.customer != customer { return false }
        if let session, record.session != session { return false }
        if let channel, record.channel != channel { return false }
        return true
    }
}
