import Foundation
import SwitchboardCore
import SwitchboardMongo
import Testing

@testable import SwitchboardStages

@Suite("search: every read of the term index is answered from an index")
struct SearchIndexPlanTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The stages of the winning plan `explain` reports for `filter` on `search_terms`, outermost first, with
    /// the index each scans (`IXSCAN tenant_terms`).
    static func plan(
        _ test: StageTestEnvironment, _ filter: MongoDocument, collection: String = "search_terms"
    ) async throws -> [String] {
        let reply = try await test.database.client.runCommand([
            "explain": .document(["find": .string(collection), "filter": .document(filter)]),
            "verbosity": "queryPlanner",
        ])
        var stages: [String] = []
        var stage = reply["queryPlanner"]?.documentValue?["winningPlan"]?.documentValue
        while let current = stage {
            let name = current["stage"]?.stringValue ?? "?"
            stages.append(current["indexName"]?.stringValue.map { "\(name) \($0)" } ?? name)
            stage = current["inputStage"]?.documentValue
        }
        return stages
    }

    @Test func eachProbeScansItsIndexWithinTheTimeSlice() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        // Some entries, so that the plan is not of an empty collection; one is a reply with an intent.
        let question = SearchStoreTests.message("my parcel is late", customer: "ann", minutesAgo: 60)
        var reply = question.envelope.reply(
            content: .text("It ships today"), sender: .bot, stage: "nlp", at: Self.now.addingTimeInterval(-59 * 60))
        reply.annotations.intent = "where_is_my_parcel"
        _ = try await test.database.messages.insertManyIgnoringDuplicates([
            question, MessageStore.StoredMessage(reply, status: "sent", at: reply.receivedAt),
        ])
        let from = Self.now.addingTimeInterval(-86_400)
        let cases: [(SearchProbe, String)] = [
            (.term("parcel"), "tenant_terms"), (.customer("ann"), "tenant_customer"),
            (.intent("where_is_my_parcel"), "tenant_intent_time"), (.tenant, "tenant_time"),
        ]
        for (probe, index) in cases {
            for (start, end) in [(from, Self.now), (from, nil), (nil, Self.now)] as [(Date?, Date?)] {
                let filter = MessageStore.searchFilter(tenantId: "demo", probe: probe, from: start, before: end)
                let stages = try await Self.plan(test, filter)
                #expect(stages.contains("IXSCAN \(index)"), "\(probe) \(start == nil) \(end == nil): \(stages)")
            }
        }
        // The replies to some messages: tenant and an `$in` of message ids.
        let replies = try await Self.plan(
            test, ["tenant_id": "demo", "reply_to": ["$in": .array([.string(question._id), .string("x")])]])
        #expect(replies.contains("IXSCAN tenant_reply"), "\(replies)")
        #expect(
            try await test.database.messages.answeredIntents(tenantId: "demo", messageIds: [question._id, "x"])
                == [question._id: "where_is_my_parcel"])
        #expect(try await test.database.messages.answeredIntents(tenantId: "other", messageIds: [question._id]) == [:])
    }

    @Test func aMessageWithEveryWordIsFoundBehindManyWithOne() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        // 400 recent messages say "refund"; the one that also says "tracking" is two months old. Reading the
        // newest entries with any of the words would never reach it.
        let recent = (0..<400).map {
            SearchStoreTests.message("refund please \($0)", customer: "c\($0 % 7)", minutesAgo: Double($0) / 10)
        }
        let old = SearchStoreTests.message("refund and tracking", customer: "old", minutesAgo: 60 * 24 * 60)
        #expect(try await test.database.messages.insertManyIgnoringDuplicates(recent + [old]) == [])
        let search = MessageSearch(
            backend: TermIndexSearch(messages: test.database.messages, now: { Self.now }),
            handovers: test.database.handovers)
        let hits = try await search.search(SearchQuery(tenantId: "demo", text: "refund tracking", limit: 3))
        #expect(hits.map(\.customerId) == ["old", "c0", "c1"])
        #expect(hits.first?.matchedTerms == ["refund", "tracking"])
    }
}
