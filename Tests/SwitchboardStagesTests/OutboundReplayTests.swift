import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// An operator replays a failed reply's dead letter once the cause is fixed: it is delivered then, once.
@Suite("outbound replay after a fix")
struct OutboundReplayTests {
    @Test func aFailedReplyIsDeliveredWhenItComesBackAndASentOneIsNot() async throws {
        let environment = try await StageTestEnvironment()
        defer { Task { await environment.drop() } }
        let database = environment.database
        let question = inbound("Where is my parcel?", from: "+15550123", channel: .sms)
        let reply = question.reply(content: .text("On its way"), sender: .bot, stage: "nlp-plugin", at: Date())
        let context = environment.context(environment.topics.outbound)

        let refusing = ChannelWebhookCountingAdapter(
            channel: .sms, deliversLocally: false, outcome: .permanentFailure(reason: "twilio is not configured"))
        await #expect(throws: StageFailure.self) {
            _ = try await OutboundDeliveryHandler(adapters: ChannelAdapterRegistry([refusing]), database: database)
                .handle(reply, context: context)
        }
        let failed = try #require(try await database.messages.message(id: reply.id))
        #expect(failed.status == "failed")
        #expect(failed.error == "twilio is not configured")

        // Credentials configured; the dead letter is replayed.
        let working = ChannelWebhookCountingAdapter(
            channel: .sms, deliversLocally: false, outcome: .sent(providerMessageId: "SM42"))
        let fixed = OutboundDeliveryHandler(adapters: ChannelAdapterRegistry([working]), database: database)
        #expect(try await fixed.handle(reply, context: context).isEmpty)
        let sent = try #require(try await database.messages.message(id: reply.id))
        #expect(sent.status == "sent")
        #expect(sent.provider_message_id == "SM42")
        #expect(sent.error == nil)

        // Replayed again by mistake: not sent twice.
        _ = try await fixed.handle(reply, context: context)
        #expect(working.delivered.withLock { $0 } == [reply.id])
        #expect(refusing.delivered.withLock { $0 } == [reply.id])
        #expect(try await database.messages.count(tenantId: "demo", direction: .outbound) == 1)
    }

    @Test func aReplyDeliveredAgainKeepsThePlaceOfTheMessageItAnswers() async throws {
        let environment = try await StageTestEnvironment()
        defer { Task { await environment.drop() } }
        let database = environment.database
        let session = "session-\(UUID().uuidString)"
        try await database.sessions.insert(
            SessionRecord(
                id: session, tenantId: "demo", customerId: "c-1", startedAt: Date(), lastActivityAt: Date(),
                nextSequence: 7))
        var question = inbound("Where is my parcel?", from: "+15550124", channel: .sms)
        question.sessionId = session
        question.sequence = 6
        let reply = question.reply(content: .text("On its way"), sender: .bot, stage: "nlp-plugin", at: Date())
        let context = environment.context(environment.topics.outbound)

        let unavailable = ChannelWebhookCountingAdapter(
            channel: .sms, deliversLocally: false, outcome: .permanentFailure(reason: "twilio is not configured"))
        await #expect(throws: StageFailure.self) {
            _ = try await OutboundDeliveryHandler(adapters: ChannelAdapterRegistry([unavailable]), database: database)
                .handle(reply, context: context)
        }
        #expect(try await database.messages.message(id: reply.id)?.sequence == 6)

        let working = ChannelWebhookCountingAdapter(
            channel: .sms, deliversLocally: false, outcome: .sent(providerMessageId: "SM43"))
        _ = try await OutboundDeliveryHandler(adapters: ChannelAdapterRegistry([working]), database: database)
            .handle(reply, context: context)
        #expect(try await database.messages.message(id: reply.id)?.sequence == 6)
        // A reply carries the number of the message it answers and takes none of the session's.
        #expect(try await database.sessions.session(id: session)?.nextSequence == 7)
    }
}
