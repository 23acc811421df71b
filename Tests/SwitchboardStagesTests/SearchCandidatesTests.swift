import Foundation
import Synchronization
import Testing

@testable import SwitchboardCore
@testable import SwitchboardStages

@Suite("search: gathering candidates from index reads, without I/O")
struct SearchCandidatesTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The term index in memory, answering only the reads the database answers from an index, and counting
    /// what it returns.
    final class FakeReader: SearchEntryReader {
        let entries: [SearchEntry]
        private let reads = Mutex<[SearchProbe]>([])
        private let returned = Mutex(0)

        init(_ entries: [SearchEntry]) { self.entries = entries }

        var probes: [SearchProbe] { reads.withLock { $0 } }
        var entriesRead: Int { returned.withLock { $0 } }

        func searchEntries(
            tenantId: String, probe: SearchProbe, from: Date?, before: Date?, limit: Int
        ) async throws -> [SearchEntry] {
            reads.withLock { $0.append(probe) }
            let found = entries.filter { entry in
                guard entry.tenant_id == tenantId else { return false }
                if let from, entry.created_at < from { return false }
                if let before, entry.created_at >= before { return false }
                switch probe {
                case .term(let term): return entry.terms.contains(term)
                case .customer(let customer): return entry.customer_id == customer
                case .intent(let intent): return entry.intent == intent
                case .tenant: return true
                }
            }.prefix(limit)
            returned.withLock { $0 += found.count }
            return Array(found)
        }

        func searchEntries(ids: [String]) async throws -> [SearchEntry] {
            entries.filter { ids.contains($0._id) }
        }

        func answeredIntents(tenantId: String, messageIds: [String]) async throws -> [String: String] { [:] }
    }

    static func entry(
        _ id: String, _ terms: [String], minutesAgo: Double, tenant: String = "demo", customer: String = "ann",
        session: String = "s1", channel: String = "webchat", intent: String? = nil, replyTo: String? = nil
    ) -> SearchEntry {
        SearchEntry(
            _id: id, tenant_id: tenant, terms: terms, customer_id: customer, session_id: session, channel: channel,
            direction: intent == nil ? "inbound" : "outbound", intent: intent, reply_to: replyTo,
            created_at: now.addingTimeInterval(-minutesAgo * 60))
    }

    static func candidates(
        _ reader: FakeReader, candidateLimit: Int = 300, scanLimit: Int = 10_000
    )
        -> SearchCandidates
    {
        SearchCandidates(reader: reader, candidateLimit: candidateLimit, scanLimit: scanLimit, now: { now })
    }

    @Test func severalWordsAreReadOneByOneAndMerged() async throws {
        // "refund" is common and recent; the only message with both words is two months old.
        var entries = (0..<50).map { Self.entry("r\($0)", ["refund"], minutesAgo: Double($0 * 10)) }
        entries.append(Self.entry("both", ["refund", "tracking"], minutesAgo: 60 * 24 * 60))
        entries.append(Self.entry("t1", ["tracking"], minutesAgo: 5))
        entries.append(Self.entry("other-tenant", ["refund", "tracking"], minutesAgo: 1, tenant: "other"))
        let reader = FakeReader(entries)
        let found = try await Self.candidates(reader, candidateLimit: 10).candidates(
            SearchQuery(tenantId: "demo", text: "refund tracking"), sessionIds: nil)
        let ids = Set(found.map(\._id))
        #expect(ids.contains("both"), "the rarer word is read back to where it occurs")
        #expect(ids.contains("t1"))
        #expect(!ids.contains("other-tenant"))
        #expect(found.count == ids.count, "an entry found by both words is there once")
        #expect(ids.filter { $0.hasPrefix("r") }.count >= 10)
        #expect(ids.filter { $0.hasPrefix("r") }.count < 50, "the common word is read only until it has enough")
        #expect(Set(reader.probes) == [.term("refund"), .term("tracking")])
        let ranked = SearchRanking.rank(
            found.map { .init(id: $0._id, terms: Set($0.terms), createdAt: $0.created_at) },
            queryTerms: ["refund", "tracking"], limit: 3)
        #expect(ranked.map(\.candidate.id) == ["both", "t1", "r0"])
    }

    @Test func oneWordStopsAtTheNewestLimitMatches() async throws {
        let entries = (0..<5000).map { Self.entry("e\($0)", ["order"], minutesAgo: Double($0)) }
        let reader = FakeReader(entries)
        let found = try await Self.candidates(reader).candidates(
            SearchQuery(tenantId: "demo", text: "order", limit: 20), sessionIds: nil)
        let newest = Set((0..<20).map { "e\($0)" })
        #expect(newest.isSubset(of: Set(found.map(\._id))))
        #expect(reader.entriesRead < 200, "read \(reader.entriesRead) of 5,000")
    }

    @Test func filtersOutsideTheIndexAreAppliedToWhatIsRead() async throws {
        func entry(_ index: Int) -> SearchEntry {
            let session = index % 4 == 0 ? "s-wanted" : "s-other"
            let channel = index % 2 == 0 ? "whatsapp" : "sms"
            let minutes = Double(index * 10)
            return Self.entry("e\(index)", ["password"], minutesAgo: minutes, session: session, channel: channel)
        }
        let entries = (0..<400).map(entry)
        let reader = FakeReader(entries)
        let since = Self.now.addingTimeInterval(-3000 * 60)
        let until = Self.now.addingTimeInterval(-100 * 60)
        let query = SearchQuery(
            tenantId: "demo", text: "password", channel: "whatsapp", since: since, until: until, limit: 100)
        let found = try await Self.candidates(reader).candidates(query, sessionIds: ["s-wanted"])
        #expect(!found.isEmpty)
        func wanted(_ entry: SearchEntry) -> Bool {
            guard entry.channel == "whatsapp", entry.session_id == "s-wanted" else { return false }
            return entry.created_at >= since && entry.created_at < until
        }
        #expect(found.allSatisfy(wanted))
        let expected = entries.filter(wanted)
        #expect(Set(found.map(\._id)) == Set(expected.map(\._id)), "fewer than the limit: all of them")
        #expect(Set(reader.probes) == [.term("password")], "the channel and sessions are never read by")
    }

    @Test func anIntentFindsItsRepliesAndTheMessagesTheyAnswered() async throws {
        let entries = [
            Self.entry("q1", ["parcel", "late"], minutesAgo: 60),
            Self.entry("a1", ["ships", "today"], minutesAgo: 59, intent: "where", replyTo: "q1"),
            Self.entry("q2", ["parcel"], minutesAgo: 30, channel: "sms"),
            Self.entry("a2", ["ships"], minutesAgo: 29, intent: "where", replyTo: "q2"),
            Self.entry("x", ["late"], minutesAgo: 10, tenant: "other"),
            Self.entry("a3", ["ships"], minutesAgo: 9, tenant: "other", intent: "where", replyTo: "x"),
        ]
        let reader = FakeReader(entries)
        let candidates = Self.candidates(reader)
        let all = try await candidates.candidates(
            SearchQuery(tenantId: "demo", text: "", intent: "where"), sessionIds: nil)
        #expect(Set(all.map(\._id)) == ["q1", "a1", "q2", "a2"])
        #expect(all.allSatisfy { $0.intent == "where" }, "the answered messages show the intent")
        let late = try await candidates.candidates(
            SearchQuery(tenantId: "demo", text: "late", intent: "where"), sessionIds: nil)
        #expect(late.map(\._id) == ["q1"])
        let sms = try await candidates.candidates(
            SearchQuery(tenantId: "demo", text: "", channel: "sms", intent: "where"), sessionIds: nil)
        #expect(sms.map(\._id) == [], "the filters apply to the replies too")
        #expect(reader.probes.allSatisfy { $0 == .intent("where") })
    }

    @Test func aReadStopsAtTheScanLimit() async throws {
        let entries = (0..<3000).map { Self.entry("e\($0)", ["order"], minutesAgo: Double($0), channel: "sms") }
        let reader = FakeReader(entries)
        let found = try await Self.candidates(reader, scanLimit: 500).candidates(
            SearchQuery(tenantId: "demo", text: "order", channel: "whatsapp"), sessionIds: nil)
        #expect(found.isEmpty)
        #expect(reader.entriesRead <= 500)
    }

    @Test func filtersAloneReadTheTenantsNewestEntries() async throws {
        let entries = (0..<100).map {
            Self.entry("e\($0)", ["hello"], minutesAgo: Double($0 * 60), channel: $0 % 2 == 0 ? "sms" : "webchat")
        }
        let reader = FakeReader(entries)
        let found = try await Self.candidates(reader).candidates(
            SearchQuery(tenantId: "demo", text: "", channel: "sms", limit: 5), sessionIds: nil)
        #expect(Set(found.map(\._id)).isSuperset(of: ["e0", "e2", "e4", "e6", "e8"]))
        #expect(Set(reader.probes) == [.tenant])
        #expect(reader.entriesRead < 100)
    }
}
