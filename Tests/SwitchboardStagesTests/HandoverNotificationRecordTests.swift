import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// What the hand-over stage and the escalation sweeper hand the notifier: one record per event, however
/// often the stage sees the start again or sweepers race.
@Suite("hand-over notifications recorded once by the stage and the sweeper, against the local database")
struct HandoverNotificationRecordTests {
    /// A notifier whose demo tenant has one webhook target; its service is not run, so nothing is sent.
    func notifier(_ fixture: HandoverFixture, store: InMemoryNotifications) throws -> HandoverNotifier {
        let tenants = try TenantDirectory(tenants: [
            TenantConfiguration(
                id: "demo",
                notifications: TenantNotificationSettings(targets: [
                    NotificationTarget(.webhook(WebhookTarget(url: "http://127.0.0.1:9/hook")))
                ]))
        ])
        return HandoverNotifier(
            store: store, tenants: tenants,
            secrets: TenantSecrets(
                tenantIds: ["demo"], environment: ["SWITCHBOARD_TENANT_DEMO_NOTIFY_WEBHOOK_SECRET": "s"]),
            sink: RecordingSink(), topics: fixture.test.topics, logger: fixture.test.logger)
    }

    @Test("a redelivered start records one notification; an escalation by two sweepers one more")
    func once() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let store = InMemoryNotifications()
        let notifier = try notifier(fixture, store: store)
        let handler = HandoverHandler(
            database: fixture.test.database, tenants: fixture.test.environment.tenants, notifier: notifier)
        for _ in 0..<2 { _ = try await handler.handle(fixture.request, context: fixture.context) }
        let id = HandoverHandler.handoverId(for: fixture.request)
        let started = store.entries.values.map(\.notification)
        #expect(started.map(\.event) == [.handoverStarted])
        #expect(started.first?.handoverId == id)
        #expect(started.first?.channel == fixture.request.channel.rawValue)

        let created = try #require(try await fixture.test.database.handovers.handover(tenantId: "demo", id: id))
            .createdAt
        let late = created.addingTimeInterval(61)
        func sweeper() -> HandoverEscalationSweeper {
            HandoverEscalationSweeper(
                database: fixture.test.database, sink: RecordingSink(), tenants: fixture.test.environment.tenants,
                topics: fixture.test.topics, logger: fixture.test.logger, notifier: notifier, clock: { late })
        }
        async let first = sweeper().sweep()
        async let second = sweeper().sweep()
        _ = try await (first, second)
        let escalated = store.entries.values.map(\.notification).filter { $0.event == .handoverEscalated }
        #expect(escalated.count == 1)
        #expect(escalated.first?.waitSeconds == 61)
        #expect(store.entries.count == 2)
    }
}
