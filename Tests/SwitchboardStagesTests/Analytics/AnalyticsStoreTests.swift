import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

@Suite("Analytics facts against the local database")
struct AnalyticsStoreTests {
    @Test("the database merges facts as the in-memory model does; a replay changes nothing")
    func sameAsInMemory() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let store = test.database.analytics
        let recorder = AnalyticsRecorder(store: store, erasures: test.database.erasures)
        let records = AnalyticsScript.records
        // In batches as a consumer reads them, each inside one write per collection.
        for start in stride(from: 0, to: records.count, by: 7) {
            try await recorder.record(Array(records[start..<min(start + 7, records.count)]))
        }
        let memory = InMemoryAnalyticsStore()
        try await AnalyticsRecorder(store: memory, erasures: nil).record(records)

        let since = AnalyticsTests.since
        let until = AnalyticsTests.until
        let stored = try await store.report(tenantId: "demo", since: since, until: until)
        #expect(stored == (try await memory.report(tenantId: "demo", since: since, until: until)))
        #expect(stored.total.conversations == 4 && stored.total.csat.average == 3)

        #expect(try await recorder.record(records) == 0, "replayed: nothing new")
        #expect(try await recorder.record(records.reversed()) == 0)
        #expect(try await store.report(tenantId: "demo", since: since, until: until) == stored)
    }

    @Test("a customer's erasure removes their session facts and their waiting survey, not the anonymous counts")
    func erasure() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await AnalyticsRecorder(store: test.database.analytics, erasures: nil).record(AnalyticsScript.records)
        try await test.database.surveys.put(
            CSATSurvey(tenantId: "demo", customerId: "cB", sessionId: "sB", agentId: "alice", sentAt: Date()))
        let erased = try await CustomerPrivacy(database: test.database).erase(tenantId: "demo", customerId: "cB") {
            true
        }
        #expect(erased.deleted["analytics_sessions"] == 1)
        #expect(erased.deleted["csat_surveys"] == 1)
        let report = try await test.database.analytics.report(
            tenantId: "demo", since: AnalyticsTests.since, until: AnalyticsTests.until)
        #expect(report.total.conversations == 3)
        #expect(report.total.messagesIn == 7)
    }
}
