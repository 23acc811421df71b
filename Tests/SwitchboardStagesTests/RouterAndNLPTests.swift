import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("message-router and nlp-plugin stages")
struct RouterAndNLPTests {
    func sessioned(_ text: String, owner: SessionOwner = .bot, tenant: String = "demo", at: Date = Date()) -> Envelope {
        var envelope = inbound(text, tenant: tenant, at: at)
        envelope.customerId = "c-1"
        envelope.sessionId = "s-1"
        envelope.sequence = 3
        envelope.sessionOwner = owner
        return envelope
    }

    @Test func routesByOwnerPhrasesAndBusinessHours() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let router = RouterHandler(environment: test.environment)
        let context = test.context(test.topics.sessioned)

        let bot = try await router.handle(sessioned("where is my order"), context: context)
        #expect(try bot.envelopes(on: test.topics.nlp).first?.annotations.routeDecision?.reason == .botDefault)

        let asked = try await router.handle(sessioned("Can I talk to a person?"), context: context)
        let handover = try #require(try asked.envelopes(on: test.topics.handover).first)
        #expect(handover.annotations.routeDecision?.reason == .customerAskedForHuman)
        #expect(handover.annotations.handoverReason == .customerAskedForHuman)

        let owned = try await router.handle(sessioned("thanks", owner: .human(agentId: "a-1")), context: context)
        #expect(
            try owned.envelopes(on: test.topics.handover).first?.annotations.routeDecision?.reason == .humanOwnsSession)

        // The "night" tenant is open one minute a week: asking for a person gets the offline reply.
        let monday = Date(timeIntervalSince1970: 1_800_000_000)  // a Friday in 2027, closed
        let offline = try await router.handle(sessioned("agent please", tenant: "night", at: monday), context: context)
        let reply = try #require(try offline.envelopes(on: test.topics.outbound).first)
        #expect(reply.content == .text("We are closed."))
        #expect(reply.sender == .system)
        #expect(reply.direction == .outbound)
        #expect(reply.replyTo != nil)
    }

    @Test func theBotAnswersHandsOverOnRequestAndOnLowConfidence() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let engine = try await NLPModels.builtInEngine(for: test.environment)
        let nlp = NLPHandler(
            engine: engine, templates: { engine.templates(forTenant: $0) }, environment: test.environment)
        let context = test.context(test.topics.nlp)

        let greeting = sessioned("hello there")
        let greeted = try await nlp.handle(greeting, context: context)
        let reply = try #require(try greeted.envelopes(on: test.topics.outbound).first)
        #expect(reply.sender == .bot)
        #expect(reply.replyTo == greeting.id)
        #expect(reply.annotations.intent == "greet")
        #expect(reply.content?.textForUnderstanding?.isEmpty == false)
        // A redelivery yields the very same reply (same id, same text).
        let again = try #require(
            try await nlp.handle(greeting, context: context).envelopes(on: test.topics.outbound).first)
        #expect(again.id == reply.id)
        #expect(again.content == reply.content)

        let order = try #require(
            try await nlp.handle(sessioned("what is the status of my order AB123456"), context: context)
                .envelopes(on: test.topics.outbound).first)
        #expect(order.annotations.intent == "order_status")
        #expect(order.annotations.entities?.contains { $0.value == "AB123456" } == true)

        let human = try await nlp.handle(sessioned("I want to talk to a human"), context: context)
        #expect(
            try human.envelopes(on: test.topics.handover).first?.annotations.handoverReason == .customerAskedForHuman)

        let unsure = try await nlp.handle(sessioned("quantum entanglement of marmalade"), context: context)
        #expect(try unsure.envelopes(on: test.topics.handover).first?.annotations.handoverReason == .lowConfidence)
    }
}
