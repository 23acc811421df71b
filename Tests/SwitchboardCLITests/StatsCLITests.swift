import Foundation
import Logging
import SwitchboardCore
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// `switchboard stats` against the local database, run as the built binary.
@Suite struct StatsCLITests {
    @Test("stats prints the tenant's figures as a table or JSON; a bad --since is a usage error")
    func stats() async throws {
        let name = TestStack.uniqueName("cli-stats").replacingOccurrences(of: "-", with: "_")
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_MONGO_URI"] = try TestStack.mongoURI
        environment["SWITCHBOARD_MONGO_DATABASE"] = name
        let cli = CLIProcess(environment: environment)
        let database = try await SwitchboardDatabase.connect(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: name),
            logger: Logger(label: "stats-cli"))
        defer { Task { try? await database.client.dropDatabase() } }

        // One conversation an hour ago: a message, the bot's reply 3 s later; and a failed delivery.
        let start = Date().addingTimeInterval(-3600)
        func envelope(_ direction: Direction, at time: Date, sender: Sender? = nil) -> Envelope {
            Envelope(
                id: UUID(), tenantId: "demo", channel: .telegram, direction: direction, externalId: "u",
                customerId: "c", sessionId: "s", content: .text("hi"), receivedAt: time, traceId: "t", sender: sender)
        }
        try await AnalyticsRecorder(store: database.analytics, erasures: nil).record([
            .inbound(envelope(.inbound, at: start)),
            .outbound(envelope(.outbound, at: start.addingTimeInterval(3), sender: .bot)),
            .event(
                SwitchboardEvent(
                    id: UUID(), type: .deliveryStatus, tenantId: "demo", occurredAt: start.addingTimeInterval(4),
                    details: ["state": "failed", "channel": "telegram"])),
        ])

        let table = try await cli.run(["stats", "--tenant", "demo", "--since", "24h"])
        #expect(table.status == 0, "\(table.error)")
        let lines = table.output.split(separator: "\n").map(String.init)
        let total = try #require(lines.first { $0.hasPrefix("total") })
        #expect(
            total.split(separator: " ").prefix(7) == ["total", "1", "1", "1", "100.0", "0.0", "3.0/3.0"],
            "conversations, in, out, bot %, hand-over %, first response")
        #expect(lines.contains { $0.hasPrefix("channel telegram") })

        let json = try await cli.run(["stats", "--tenant", "demo", "--since", "24h", "--json"])
        #expect(json.status == 0)
        let report = try SwitchboardJSON.makeDecoder().decode(AnalyticsReport.self, from: Data(json.output.utf8))
        #expect(report.total.deliveryFailureRate == 1)
        #expect(report.byChannel["telegram"]?.conversations == 1)

        let other = try await cli.run(["stats", "--tenant", "night", "--json"])
        #expect(
            try SwitchboardJSON.makeDecoder().decode(AnalyticsReport.self, from: Data(other.output.utf8)).total
                .conversations == 0)
        #expect(try await cli.run(["stats", "--tenant", "demo", "--since", "forever"]).status == 2)
    }
}
