import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStages

/// `switchboard search`: a tenant's stored messages by text and filters, best first, matches marked.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a tenant's stored messages by text, customer, channel, time, intent and hand-over state.",
        discussion: """
            Words are matched whole, without case or accents; results are ranked by how much of the query a \
            message contains (rarer words count more), then newest first. Matches are shown [like this]. \
            Exit codes: 0 found, 1 nothing found, 2 usage, 5 database unreachable.
            """
    )

    @Option(help: "The tenant id.") var tenant: String
    @Argument(help: "Words to find (may be empty with --customer or --intent).") var text: String = ""
    @Option(help: "Only this customer's messages.") var customer: String?
    @Option(help: "Only messages on this channel (whatsapp, webchat, messenger, telegram, sms, ...).") var channel:
        String?
    @Option(help: "Only messages stored at or after this ISO 8601 time.") var since: String?
    @Option(help: "Only messages stored before this ISO 8601 time.") var until: String?
    @Option(help: "Only messages with this recognised intent (and the bot's replies to them).") var intent: String?
    @Option(help: "Only sessions with a hand-over in this state: waiting, claimed or resolved.")
    var handoverState: String?
    @Option(help: "The most results.") var limit = 20
    @Flag(help: "Print the results as JSON.") var json = false

    func run() async throws {
        try CLIFailure.check("--limit", limit, in: 1...SearchQuery.maximumLimit)
        var state: HandoverRecord.Status?
        if let handoverState {
            guard let parsed = HandoverRecord.Status(rawValue: handoverState) else {
                throw CLIFailure.usage("--handover-state must be waiting, claimed or resolved")
            }
            state = parsed
        }
        let query = SearchQuery(
            tenantId: tenant, text: text, customerId: customer, channel: channel,
            since: try Self.time(since, "--since"),
            until: try Self.time(until, "--until"), intent: intent, handoverState: state, limit: limit)
        guard !query.terms.isEmpty || customer != nil || intent != nil else {
            throw CLIFailure.usage("give words to find, --customer or --intent")
        }
        let context = try OperatorContext()
        let database = try await context.database()
        let search = try await context.query { try await MessageSearch.detecting(database: database) }
        let hits = try await context.query { try await search.search(query) }
        if json {
            let encoder = SwitchboardJSON.makeEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(SearchOutput(backend: search.backendName, results: hits))
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            for hit in hits {
                printLine(
                    "\(SwitchboardJSON.formatDate(hit.createdAt)) \(hit.direction == "inbound" ? ">" : "<") "
                        + "\(hit.channel) customer \(hit.customerId ?? "-") session \(hit.sessionId ?? "-")"
                        + (hit.intent.map { " intent \($0)" } ?? "")
                        + String(format: " score %.2f", hit.score))
                printLine("    \(hit.snippet.marked())")
            }
        }
        guard !hits.isEmpty else { throw CLIFailure.notFound("no messages of tenant \(tenant) match") }
    }

    private static func time(_ text: String?, _ option: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = SwitchboardJSON.parseDate(text) else {
            throw CLIFailure.usage("\(option) must be an ISO 8601 time, such as 2026-12-01T00:00:00Z")
        }
        return date
    }

    private struct SearchOutput: Encodable {
        var backend: String
        var results: [SearchHit]
    }
}
