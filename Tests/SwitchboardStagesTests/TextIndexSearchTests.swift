import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@testable import SwitchboardMongo
@testable import SwitchboardStages

/// The backend on a database's own text index: its query (no I/O), and the choice between it and the term index
/// against the local database, which has no text indexes.
@Suite("search on a database text index")
struct TextIndexSearchTests {
    @Test func theTextQueryKeepsToTheTenantAndCarriesEveryFilter() {
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        let until = since.addingTimeInterval(3600)
        let query = SearchQuery(
            tenantId: "demo", text: "Refund -tracking refund", customerId: "ann", channel: "sms", since: since,
            until: until)
        let filter = TextIndexSearch.filter(query, sessionIds: ["s1", "s2"])
        #expect(filter["tenant_id"] == .string("demo"))
        // Each word once, none read as an exclusion.
        #expect(filter["$text"] == ["$search": "refund tracking"])
        #expect(filter["customer_id"] == .string("ann"))
        #expect(filter["channel"] == .string("sms"))
        #expect(filter["created_at"] == ["$gte": .date(since), "$lt": .date(until)])
        #expect(filter["session_id"] == ["$in": ["s1", "s2"]])

        let bare = TextIndexSearch.filter(SearchQuery(tenantId: "t", text: "parcel"), sessionIds: nil)
        #expect(bare.keys.sorted() == ["$text", "tenant_id"])
    }

    @Test func aRefusalOfTextIndexesIsToldApartFromAFailure() {
        #expect(
            MessageStore.refusesTextIndexes(
                MongoError(code: .server, serverCode: 67, reason: "text indexes are not supported by SecantusDB")))
        #expect(MessageStore.refusesTextIndexes(MongoError(code: .server, reason: "Text indexes are not supported")))
        #expect(!MessageStore.refusesTextIndexes(MongoError(code: .connection, reason: "no server available")))
        #expect(!MessageStore.refusesTextIndexes(MongoError(code: .server, serverCode: 13, reason: "unauthorized")))
    }

    @Test func theLocalDatabaseRefusesTextIndexesSoSearchUsesTheTermIndex() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        #expect(try await !test.database.messages.createTextSearchIndex(), "SecantusDB has no text indexes")
        let stored = SearchStoreTests.message("my parcel is late", customer: "ann", minutesAgo: 5)
        #expect(try await test.database.messages.insertManyIgnoringDuplicates([stored]) == [])

        let search = try await MessageSearch.detecting(database: test.database)
        #expect(search.backendName == "terms")
        let hits = try await search.search(
            SearchQuery(tenantId: "demo", text: "parcel", until: SearchStoreTests.now.addingTimeInterval(1)))
        #expect(hits.map(\.messageId) == [stored._id])
    }
}
