import Foundation
import SwitchboardCore
import SwitchboardMongo
import Testing

@testable import SwitchboardStages

/// Reads made per message or per batch are answered from an index on the real database, not by scanning a
/// collection that grows with every message.
@Suite("per-message reads use their indexes")
struct MessagePathIndexPlanTests {
    @Test func theReplyToAMessageAndTheCustomersSessionsAreFoundByIndex() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let question = SearchStoreTests.message("my parcel is late", customer: "ann", minutesAgo: 60)
        let reply = question.envelope.reply(
            content: .text("It ships today"), sender: .bot, stage: "nlp", at: question.envelope.receivedAt)
        _ = try await test.database.messages.insertManyIgnoringDuplicates([
            question, MessageStore.StoredMessage(reply, status: "sent", at: reply.receivedAt),
        ])
        let replyPlan = try await SearchIndexPlanTests.plan(
            test, MessageStore.replyFilter(to: question.envelope.id), collection: "messages")
        #expect(replyPlan.contains("IXSCAN reply_to_direction"), "\(replyPlan)")
        #expect(
            try await test.database.messages.reply(to: question.envelope.id)?._id == reply.id.uuidString.lowercased())

        let sessionsPlan = try await SearchIndexPlanTests.plan(
            test, SwitchboardDatabase.sessionsFilter(customerIds: ["ann", "bob"]), collection: "sessions")
        #expect(sessionsPlan.contains("IXSCAN customer_status"), "\(sessionsPlan)")
    }
}
