import Foundation
import SwitchboardCore
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("retention sweeper against the local database")
struct RetentionSweeperTests {
    struct Row: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var created_at: Date
    }

    @Test func messagesPastATenantsRetentionGoAndOthersStay() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let tenants = try TenantDirectory(
            parsing: """
                tenants:
                  - id: demo
                    privacy:
                      retention_days: 30
                  - id: keeper
                """)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let day: TimeInterval = 24 * 3600
        let messages = test.database.client.collection("messages", as: Row.self)
        _ = try await messages.insertMany([
            Row(_id: "old", tenant_id: "demo", created_at: now.addingTimeInterval(-31 * day)),
            Row(_id: "edge", tenant_id: "demo", created_at: now.addingTimeInterval(-30 * day)),
            Row(_id: "new", tenant_id: "demo", created_at: now.addingTimeInterval(-29 * day)),
            Row(_id: "kept-forever", tenant_id: "keeper", created_at: now.addingTimeInterval(-3650 * day)),
        ])
        try await test.database.erasures.record(
            Erasure(
                tenantId: "demo", customerId: "long-ago", identityDigests: [],
                erasedAt: now.addingTimeInterval(-RetentionSweeper.erasureFence - 1)))
        try await test.database.erasures.record(
            Erasure(tenantId: "demo", customerId: "recent", identityDigests: [], erasedAt: now.addingTimeInterval(-day))
        )

        let sweeper = RetentionSweeper(
            database: test.database, tenants: tenants, interval: .seconds(3600), logger: test.logger, clock: { now })
        #expect(try await sweeper.sweep() == ["demo": 1])
        #expect(Set(try await messages.find([:]).map(\._id)) == ["edge", "new", "kept-forever"])
        #expect(try await test.database.erasures.erasures().map(\.customerId) == ["recent"])

        // A month later by the clock, the rest of the tenant's old messages go too.
        let later = RetentionSweeper(
            database: test.database, tenants: tenants, interval: .seconds(3600), logger: test.logger,
            clock: { now.addingTimeInterval(2 * day) })
        #expect(try await later.sweep() == ["demo": 2])
        #expect(try await messages.find([:]).map(\._id) == ["kept-forever"])
    }
}
