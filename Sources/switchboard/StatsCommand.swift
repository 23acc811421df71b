import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStages

/// `switchboard stats`: a tenant's analytics from the database, as a table or JSON.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show a tenant's analytics: conversations, messages, containment, hand-overs, times, CSAT.",
        discussion: """
            Read from the facts human-handover's analytics consumer keeps in the database. Durations are \
            p50/p90 in seconds. Exit codes: 0 ok, 2 usage, 5 database.
            """
    )

    @Option(help: "The tenant id.") var tenant: String
    @Option(help: "The start: a duration back from now (7d, 24h, 90m) or a UTC day (2026-12-01).")
    var since: String = "7d"
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let now = Date()
        guard let start = AnalyticsWindow.since(since, now: now) else {
            throw CLIFailure.usage("--since must be like 7d, 24h, 90m or a day 2026-12-01, within 366 days")
        }
        let context = try OperatorContext()
        let database = try await context.database()
        let report = try await context.query {
            try await database.analytics.report(tenantId: tenant, since: start, until: now)
        }
        if json {
            let encoder = SwitchboardJSON.makeEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
        } else {
            printLine(
                "Tenant \(tenant), \(SwitchboardJSON.formatDate(start)) to \(SwitchboardJSON.formatDate(now))")
            for line in report.tableLines { printLine(line) }
        }
    }
}
