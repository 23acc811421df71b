import Foundation
import SwitchboardCore
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("search against the local database")
struct SearchStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A stored inbound message of `customer` in `tenant`, `minutesAgo` before ``now``.
    static func message(
        _ text: String, tenant: String = "demo", customer: String, session: String? = nil,
        channel: Channel = .webchat, minutesAgo: Double
    ) -> MessageStore.StoredMessage {
        var envelope = inbound(
            text, from: customer, channel: channel, tenant: tenant, at: now.addingTimeInterval(-minutesAgo * 60))
        envelope.customerId = customer
        envelope.sessionId = session ?? "session-\(customer)"
        return MessageStore.StoredMessage(envelope, status: "received", at: envelope.receivedAt)
    }

    static func search(_ test: StageTestEnvironment, _ query: SearchQuery) async throws -> [SearchHit] {
        try await MessageSearch(database: test.database).search(query)
    }

    @Test func resultsAreRankedHighlightedAndKeptToTheTenant() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let stored = [
            Self.message("Where is my refund?", customer: "ann", minutesAgo: 50),
            Self.message("The REFUND for order 17 and its tracking number please", customer: "bob", minutesAgo: 40),
            Self.message("tracking says delivered", customer: "cat", minutesAgo: 30),
            Self.message("hello", customer: "ann", minutesAgo: 20),
            Self.message("refund refund refund", tenant: "other", customer: "eve", minutesAgo: 10),
        ]
        #expect(try await test.database.messages.insertManyIgnoringDuplicates(stored) == [])
        // A redelivered batch stores nothing twice, in the messages or the index.
        #expect(try await test.database.messages.insertManyIgnoringDuplicates(stored).count == stored.count)

        let hits = try await Self.search(test, SearchQuery(tenantId: "demo", text: "Refund tracking"))
        #expect(hits.map(\.customerId) == ["bob", "cat", "ann"], "both words first, then the newest")
        #expect(hits[0].snippet.marked() == "The [REFUND] for order 17 and its [tracking] number please")
        #expect(hits[0].matchedTerms == ["refund", "tracking"])
        #expect(hits.allSatisfy { $0.messageId != stored[4]._id })

        // Tenant isolation: each tenant finds only its own, even for words only the other has.
        let other = try await Self.search(test, SearchQuery(tenantId: "other", text: "refund tracking hello"))
        #expect(other.map(\.customerId) == ["eve"])
        #expect(try await Self.search(test, SearchQuery(tenantId: "nobody", text: "refund")).isEmpty)
    }

    @Test func filtersNarrowTheResults() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let question = Self.message("my parcel is late", customer: "ann", session: "s-ann", minutesAgo: 60)
        var reply = question.envelope.reply(
            content: .text("Sorry, your parcel ships today"), sender: .bot, stage: "nlp",
            at: Self.now.addingTimeInterval(-59 * 60))
        reply.annotations.intent = "where_is_my_parcel"
        reply.customerId = "ann"
        reply.sessionId = "s-ann"
        #expect(
            try await test.database.messages.insertManyIgnoringDuplicates([
                question,
                Self.message(
                    "parcel arrived broken", customer: "bob", session: "s-bob", channel: .whatsapp, minutesAgo: 30),
                Self.message("parcel question", customer: "cat", session: "s-cat", minutesAgo: 5),
            ]) == [])
        // The reply is stored later, by another stage, with the intent it answered: a search by that intent then
        // finds the customer's message too, and a hit on the customer's message shows it.
        _ = try await test.database.messages.insertManyIgnoringDuplicates([
            MessageStore.StoredMessage(reply, status: "sent", at: reply.receivedAt)
        ])

        func customers(_ query: SearchQuery) async throws -> [String?] {
            try await Self.search(test, query).map(\.customerId)
        }
        #expect(try await customers(SearchQuery(tenantId: "demo", text: "parcel")) == ["cat", "bob", "ann", "ann"])
        #expect(try await customers(SearchQuery(tenantId: "demo", text: "parcel", customerId: "bob")) == ["bob"])
        #expect(try await customers(SearchQuery(tenantId: "demo", text: "parcel", channel: "whatsapp")) == ["bob"])
        #expect(
            try await customers(
                SearchQuery(
                    tenantId: "demo", text: "parcel", since: Self.now.addingTimeInterval(-45 * 60),
                    until: Self.now.addingTimeInterval(-10 * 60))) == ["bob"])
        let byIntent = try await Self.search(
            test, SearchQuery(tenantId: "demo", text: "", intent: "where_is_my_parcel"))
        #expect(Set(byIntent.map(\.messageId)) == [question._id, reply.id.uuidString.lowercased()])
        #expect(byIntent.allSatisfy { $0.intent == "where_is_my_parcel" })
        let parcel = try await Self.search(test, SearchQuery(tenantId: "demo", text: "parcel"))
        #expect(parcel.first { $0.messageId == question._id }?.intent == "where_is_my_parcel")
        #expect(parcel.filter { $0.intent != nil }.count == 2, "only the answered message and its reply")
        #expect(
            try await Self.search(test, SearchQuery(tenantId: "demo", text: "late", intent: "where_is_my_parcel"))
                .map(\.messageId) == [question._id])
        #expect(
            try await customers(
                SearchQuery(tenantId: "demo", text: "parcel", customerId: "bob", intent: "where_is_my_parcel")) == [])
        #expect(
            try await customers(
                SearchQuery(tenantId: "demo", text: "", customerId: "ann", intent: "where_is_my_parcel"))
                == ["ann", "ann"])

        let handover = HandoverRecord(
            id: "h-bob", tenantId: "demo", sessionId: "s-bob", customerId: "bob", reason: .customerAskedForHuman,
            createdAt: Self.now)
        #expect(try await test.database.handovers.insertIfNew(handover))
        #expect(try await customers(SearchQuery(tenantId: "demo", text: "parcel", handoverState: .waiting)) == ["bob"])
        #expect(try await customers(SearchQuery(tenantId: "demo", text: "parcel", handoverState: .claimed)) == [])
        #expect(try await customers(SearchQuery(tenantId: "other", text: "parcel", handoverState: .waiting)) == [])
    }

    @Test func erasureAndRetentionRemoveTheIndexEntries() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let old = Self.message("refund for the old order", customer: "bob", minutesAgo: 60 * 24 * 40)
        _ = try await test.database.messages.insertManyIgnoringDuplicates([
            Self.message("refund for ann", customer: "ann", minutesAgo: 5),
            Self.message("refund for bob", customer: "bob", minutesAgo: 5), old,
        ])
        let entries = test.database.client.collection("search_terms", as: SearchEntry.self)
        #expect(try await entries.count([:]) == 3)

        let erased = try await CustomerPrivacy(database: test.database).erase(
            tenantId: "demo", customerId: "ann", at: Self.now, waitForInFlight: { true })
        #expect(erased.deleted["search_terms"] == 1)
        #expect(
            try await Self.search(test, SearchQuery(tenantId: "demo", text: "refund")).map(\.customerId) == [
                "bob", "bob",
            ])

        let tenants = try TenantDirectory(
            parsing: """
                tenants:
                  - id: demo
                    privacy:
                      retention_days: 30
                """)
        let sweeper = RetentionSweeper(
            database: test.database, tenants: tenants, interval: .seconds(3600), logger: test.logger,
            clock: { Self.now })
        #expect(try await sweeper.sweep() == ["demo": 1])
        #expect(try await entries.find([:]).map(\.customer_id) == ["bob"])
    }
}
