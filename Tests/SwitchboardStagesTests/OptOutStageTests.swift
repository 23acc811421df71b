import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// STOP in customer-identification, and the outbound stage's suppression, against the local database: each
/// safe to repeat, as Kafka redelivers.
@Suite("Opt-out in the stages")
struct OptOutStageTests {
    /// `text` from `number` on SMS, through customer-identification with consent keywords.
    static func identified(_ text: String, from number: String, _ test: StageTestEnvironment) async throws -> Envelope {
        let identification = IdentificationHandler(
            profiles: test.database.profiles, environment: test.environment, consent: test.database.profiles)
        let outputs = try await identification.handle(
            inbound(text, from: number, channel: .sms), context: test.context(test.topics.inbound))
        return try #require(try outputs.envelopes(on: test.topics.identified).first)
    }

    @Test func stopIsRecordedOnceAndConfirmedWithTheSameIdsOnRedelivery() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let handler = IdentificationHandler(
            profiles: test.database.profiles, environment: test.environment, consent: test.database.profiles)
        let context = test.context(test.topics.inbound)
        let stop = inbound("Stop", from: "+15550100001", channel: .sms)

        let first = try await handler.handle(stop, context: context)
        let again = try await handler.handle(stop, context: context)
        let identified = try #require(try first.envelopes(on: test.topics.identified).first)
        let customer = try #require(identified.customerId)
        #expect(ConsentChange.keyword(of: identified) == .optOut)
        let confirmation = try #require(try first.envelopes(on: test.topics.outbound).first)
        #expect(ConsentChange.isConfirmation(confirmation))
        #expect(
            confirmation.content == .text(ConsentKeywords().confirmation(for: .init(request: .optOut, language: "en"))))
        #expect(confirmation.externalId == "+15550100001")
        #expect(confirmation.channel == .sms)
        let event = try #require(try first.events(on: test.topics.events).first)
        #expect(event.type == .customerOptedOut)
        #expect(event.customerId == customer)
        #expect(event.details == ["channel": "sms", "source": "keyword", "language": "en"])
        // Redelivered: the same records, and the flag once.
        #expect(try again.envelopes(on: test.topics.outbound).map(\.id) == [confirmation.id])
        #expect(try again.events(on: test.topics.events).map(\.id) == [event.id])
        let profile = try #require(try await test.database.profiles.profile(id: customer))
        #expect(profile.optedOutChannels == [.sms])
        #expect(CustomerView(customerId: customer, profile: profile, messages: []).optedOut == ["sms"])

        // START undoes it; a plain message changes nothing.
        _ = try await handler.handle(inbound("hello", from: "+15550100001", channel: .sms), context: context)
        #expect(try await test.database.profiles.profile(id: customer)?.optedOutChannels == [.sms])
        // A second STOP (another message) confirms nothing more.
        let second = try await handler.handle(inbound("STOP", from: "+15550100001", channel: .sms), context: context)
        #expect(try second.envelopes(on: test.topics.outbound).isEmpty)
        #expect(try second.envelopes(on: test.topics.identified).first.map(ConsentChange.keyword(of:)) == .some(nil))
        let start = try await handler.handle(inbound("START", from: "+15550100001", channel: .sms), context: context)
        #expect(try start.events(on: test.topics.events).first?.type == .customerOptedIn)
        #expect(try await test.database.profiles.profile(id: customer)?.optedOutChannels == [])

        // Telegram's /start on first contact is an ordinary message: nobody had stopped.
        let telegram = try await handler.handle(
            inbound("/start", from: "7770001", channel: .telegram), context: context)
        #expect(try telegram.envelopes(on: test.topics.outbound).isEmpty)
        #expect(try telegram.events(on: test.topics.events).isEmpty)
        #expect(try telegram.envelopes(on: test.topics.identified).first.map(ConsentChange.keyword(of:)) == .some(nil))
    }

    @Test func repliesToAnOptedOutCustomerAreKeptButNeverSentExceptTheConfirmation() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let stop = try await Self.identified("STOP", from: "+15550100003", test)
        let confirmation = stop.reply(content: .text("bye"), sender: .system, stage: "x", at: Date())
        var marked = confirmation
        marked.unknownFields[ConsentChange.marker] = .string(ConsentChange.confirmation)
        let botReply = stop.reply(content: .text("Hi!"), sender: .bot, stage: "nlp-plugin", at: Date())

        let adapter = ChannelWebhookCountingAdapter(
            channel: .sms, deliversLocally: false, outcome: .sent(providerMessageId: "SM1"))
        let handler = OutboundDeliveryHandler(adapters: ChannelAdapterRegistry([adapter]), database: test.database)
        let context = test.context(test.topics.outbound)
        for _ in 0..<2 {
            _ = try await handler.handle(botReply, context: context)
            _ = try await handler.handle(marked, context: context)
        }
        #expect(adapter.delivered.withLock { $0 } == [marked.id])
        #expect(try await test.database.messages.message(id: botReply.id)?.status == "suppressed")
        #expect(try await test.database.messages.message(id: marked.id)?.status == "sent")
    }

    @Test func twilioError21610OptsTheCustomerOutWithoutADeadLetter() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let question = try await Self.identified("hello", from: "+15550100004", test)
        let customer = try #require(question.customerId)
        let reply = question.reply(content: .text("Hi!"), sender: .bot, stage: "nlp-plugin", at: Date())
        let adapter = ChannelWebhookCountingAdapter(
            channel: .sms, deliversLocally: false,
            outcome: .permanentFailure(
                reason: "twilio answered 400 (error 21610): Attempt to send to unsubscribed recipient"))
        let handler = OutboundDeliveryHandler(adapters: ChannelAdapterRegistry([adapter]), database: test.database)
        let context = test.context(test.topics.outbound)

        let outputs = try await handler.handle(reply, context: context)
        let event = try #require(try outputs.events(on: test.topics.events).first)
        #expect(event.type == .customerOptedOut)
        #expect(event.details == ["channel": "sms", "source": "vendor_error", "code": "21610"])
        #expect(try await test.database.profiles.profile(id: customer)?.optedOutChannels == [.sms])
        #expect(try await test.database.messages.message(id: reply.id)?.status == "failed")
        // Redelivered (or replayed): not sent again.
        _ = try await handler.handle(reply, context: context)
        #expect(adapter.delivered.withLock { $0 } == [reply.id])
    }
}
