import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

@Suite("Analytics: aggregates from scripted conversations, replays and duplicates")
struct AnalyticsTests {
    static let since = AnalyticsScript.day1.addingTimeInterval(-9 * 3600)
    static let until = AnalyticsScript.day2.addingTimeInterval(86_400)

    func report(_ store: some AnalyticsStoring) async throws -> AnalyticsReport {
        try await store.report(tenantId: "demo", since: Self.since, until: Self.until)
    }

    @Test("the scripted conversations give the hand-computed figures")
    func handComputed() async throws {
        let store = InMemoryAnalyticsStore()
        try await AnalyticsRecorder(store: store, erasures: nil).record(AnalyticsScript.records)
        let report = try await report(store)
        let total = report.total
        #expect(total.conversations == 4)
        #expect(total.messagesIn == 7)
        #expect(total.messagesOut == 7)
        #expect(total.botContained == 2)
        #expect(total.containmentRate == 0.5)
        #expect(total.handedOver == 2)
        #expect(total.handoverRate == 0.5)
        #expect(total.handoverReasons == ["customer_asked_for_human": 1, "low_confidence": 1])
        #expect(total.firstResponse == AnalyticsDurations([2, 4, 8, 31]))
        #expect(total.firstResponse.p50 == 4 && total.firstResponse.p90 == 31)
        #expect(total.resolution.p50 == 60 && total.resolution.p90 == 120)
        #expect(total.handleTime.p50 == 40 && total.handleTime.p90 == 90)
        // The survey (sent by Switchboard) and its answer do not lengthen session B (50 s).
        #expect(total.sessionDuration.p50 == 31 && total.sessionDuration.p90 == 61)
        #expect(total.deliveryFailures == 1)
        #expect(total.deliveryFailureRate == 1.0 / 7.0)
        #expect(total.csat.responses == 2)
        #expect(total.csat.average == 3)
        #expect(total.csat.scores == ["1": 0, "2": 1, "3": 0, "4": 1, "5": 0])

        #expect(report.byDay.keys.sorted() == ["2027-01-15", "2027-01-16"])
        #expect(report.byDay["2027-01-15"]?.conversations == 3)
        #expect(report.byDay["2027-01-15"]?.messagesIn == 6)
        #expect(report.byDay["2027-01-16"]?.conversations == 1)
        #expect(report.byDay["2027-01-16"]?.firstResponse.p50 == 8)

        #expect(report.byChannel["webchat"]?.conversations == 3)
        #expect(report.byChannel["webchat"]?.messagesIn == 4)
        #expect(report.byChannel["webchat"]?.deliveryFailures == 1)
        #expect(report.byChannel["whatsapp"]?.conversations == 1)
        #expect(report.byChannel["whatsapp"]?.messagesOut == 3)

        #expect(report.byAgent.keys.sorted() == ["alice", "bob"])
        let alice = try #require(report.byAgent["alice"])
        #expect(alice.conversations == 1 && alice.messagesOut == 1)
        #expect(alice.handleTime.p50 == 90 && alice.resolution.p50 == 120)
        #expect(alice.csat.average == 4)
        let bob = try #require(report.byAgent["bob"])
        #expect(bob.handleTime.p90 == 40 && bob.csat.average == 2 && bob.handoverReasons == ["low_confidence": 1])
    }

    @Test("another tenant's conversations are not in the report")
    func tenantScoped() async throws {
        let store = InMemoryAnalyticsStore()
        try await AnalyticsRecorder(store: store, erasures: nil).record(AnalyticsScript.records)
        let other = try await store.report(tenantId: "other", since: Self.since, until: Self.until)
        #expect(other.total.conversations == 1)
        #expect(other.total.messagesIn == 1)
        #expect(other.byAgent.isEmpty)
    }

    @Test("replaying the topics, in other batches and with duplicates, gives the same aggregates")
    func replay() async throws {
        let store = InMemoryAnalyticsStore()
        let recorder = AnalyticsRecorder(store: store, erasures: nil)
        let records = AnalyticsScript.records
        // Session starts, claims and resolves change sessions only: nine records without a fact of their own.
        #expect(try await recorder.record(records) == records.count - 9)
        let first = try await report(store)

        #expect(try await recorder.record(records) == 0, "a replay counts nothing new")
        var batch: [AnalyticsInput] = []
        for (index, record) in records.enumerated() {
            batch.append(record)
            if index % 3 == 0 { batch.append(record) }  // redelivered inside a batch
            if batch.count >= 4 {
                try await recorder.record(batch)
                batch = []
            }
        }
        try await recorder.record(batch)
        #expect(try await report(store) == first)

        let rebuilt = InMemoryAnalyticsStore()
        try await AnalyticsRecorder(store: rebuilt, erasures: nil).record(records + records.reversed())
        #expect(try await report(rebuilt) == first, "the merge does not depend on the order records come in")
    }

    @Test("an erased customer's sessions are not rebuilt by a replay; the counts without personal data stay")
    func erasedCustomersStayErased() async throws {
        struct Erasures: ErasureSource {
            func erasures() async throws -> [Erasure] {
                [Erasure(tenantId: "demo", customerId: "cA", identityDigests: [], erasedAt: AnalyticsScript.day2)]
            }
        }
        let store = InMemoryAnalyticsStore()
        try await AnalyticsRecorder(store: store, erasures: Erasures()).record(AnalyticsScript.records)
        let report = try await report(store)
        #expect(report.total.conversations == 3)
        #expect(report.total.messagesIn == 7)
        #expect(store.state.withLock { $0.sessions["sA"] } == nil)
    }

    @Test(
        "nearest-rank percentiles",
        arguments: [
            ([Double](), nil, nil), ([5], 5, 5), ([1, 2], 1, 2), ([3, 1, 2], 2, 3),
            ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5, 9),
        ] as [([Double], Double?, Double?)])
    func percentiles(values: [Double], p50: Double?, p90: Double?) {
        let durations = AnalyticsDurations(values)
        #expect(durations.count == values.count)
        #expect(durations.p50 == p50)
        #expect(durations.p90 == p90)
    }

    @Test("windows: durations back from now and UTC days, at most 366 days")
    func windows() {
        let now = AnalyticsScript.day2
        #expect(AnalyticsWindow.since("7d", now: now) == now.addingTimeInterval(-7 * 86_400))
        #expect(AnalyticsWindow.since("24h", now: now) == now.addingTimeInterval(-86_400))
        #expect(AnalyticsWindow.since("90m", now: now) == now.addingTimeInterval(-5_400))
        #expect(AnalyticsWindow.since("2027-01-15", now: now) == Date(timeIntervalSince1970: 1_800_000_000 - 28_800))
        for bad in ["", "7", "0d", "-1d", "367d", "yesterday", "2020-01-01"] {
            #expect(AnalyticsWindow.since(bad, now: now) == nil, "\(bad)")
        }
    }

    @Test("the table shows one row per slice")
    func table() async throws {
        let store = InMemoryAnalyticsStore()
        try await AnalyticsRecorder(store: store, erasures: nil).record(AnalyticsScript.records)
        let lines = try await report(store).tableLines
        #expect(lines.count == 9, "header, total, two days, two channels, two agents, reasons")
        #expect(lines[0].hasPrefix("slice"))
        #expect(
            lines[1].split(separator: " ")
                == [
                    "total", "4", "7", "7", "50.0", "50.0", "4.0/31.0", "60.0/120.0", "40.0/90.0", "31.0/61.0", "14.3",
                    "3.00", "(2)",
                ])
        #expect(lines.contains { $0.hasPrefix("agent alice") })
        #expect(lines.last == "hand-over reasons: customer_asked_for_human 1, low_confidence 1")
    }
}
