import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// Form state by session, in memory; it outlives the handlers built over it (a restart).
final class InMemoryForms: FormStoring {
    private let states = Mutex<[String: FormState]>([:])

    func formState(sessionId: String) async throws -> FormState? { states.withLock { $0[sessionId] } }

    func saveFormState(_ state: FormState, sessionId: String) async throws {
        states.withLock { $0[sessionId] = state }
    }
}

@Suite("nlp-plugin forms")
struct BotFormTests {
    let logger = TestStack.logger("bot-forms")
    let topics = TopicNames(prefix: "bot-forms.")

    static func yaml(_ server: String) -> String {
        """
        tenants:
          - id: shop
            bot:
              actions:
                book_callback: { url: "\(server)/actions/book_callback", retries: 0, timeout_ms: 60000 }
              forms:
                callback:
                  trigger_phrases: ["call me back"]
                  slots:
                    - { name: name, prompt: "Who should we ask for?" }
                    - name: phone
                      prompt: "Which number should we call?"
                      regex: "(\\\\+?[0-9][0-9 ]{6,}[0-9])"
                  action: book_callback
                  done_reply: "Thanks {name}, we will call {phone}. Reference {reference}."
                order:
                  trigger_intents: [order_status]
                  slots:
                    - { name: order, prompt: "Which order?", entity: order_id }
                    - { name: email, prompt: "Your email?" }
                  done_reply: "We will mail {email} about {order}."
        """
    }

    func handler(_ environment: DaemonEnvironment, forms: InMemoryForms) async throws -> NLPHandler {
        let engine = try await NLPModels.builtInEngine(for: environment)
        let bot = try BotServices.build(
            environment: environment, builtIn: engine, transport: PooledBotHTTPTransport(), history: nil, forms: forms)
        return NLPHandler(bot: bot, templates: { engine.templates(forTenant: $0) }, environment: environment)
    }

    func message(_ text: String, sequence: Int64) -> Envelope {
        var envelope = Envelope(
            id: UUIDv7Generator().next(), tenantId: "shop", channel: .webchat, direction: .inbound, externalId: "v",
            content: .text(text), receivedAt: Date(), traceId: "t")
        envelope.customerId = "c-1"
        envelope.sessionId = "s-1"
        envelope.sequence = sequence
        return envelope
    }

    func reply(_ outputs: [StageOutput]) throws -> String? {
        try outputs.envelopes(on: topics.outbound).first?.content?.textForUnderstanding
    }

    var context: StageContext {
        StageContext(logger: logger, topic: topics.nlp, partition: 0, offset: 0, topics: topics)
    }

    @Test func aFormRunsOverSeveralMessagesSurvivesARestartAndRedeliveryAndRunsItsAction() async throws {
        try await FakeBotServer.with { server in
            let environment = try BotHandlerTests.environment(
                Self.yaml(server.baseURL), secrets: ["SWITCHBOARD_TENANT_SHOP_ACTION_SECRET": server.actionSecret])
            let forms = InMemoryForms()
            var nlp = try await handler(environment, forms: forms)

            #expect(
                try reply(try await nlp.handle(message("please call me back", sequence: 0), context: context))
                    == "Who should we ask for?")
            let name = message("Ann", sequence: 1)
            #expect(try reply(try await nlp.handle(name, context: context)) == "Which number should we call?")

            // A restart: a new handler over the same stored state; and the last message again.
            nlp = try await handler(environment, forms: forms)
            #expect(
                try reply(try await nlp.handle(name, context: context)) == "Which number should we call?",
                "a redelivered message is answered the same, not taken for the phone number")
            #expect(
                try reply(try await nlp.handle(message("soon", sequence: 2), context: context))
                    == "Sorry, I did not get that. Which number should we call?")
            let phone = message("+49 30 1234567", sequence: 3)
            let done = try await nlp.handle(phone, context: context)
            #expect(try reply(done) == "Thanks Ann, we will call +49 30 1234567. Reference CB-1.")
            let call = try #require(server.requests(to: "/actions/book_callback").first)
            #expect(try call.json()["slots"] as? [String: String] == ["name": "Ann", "phone": "+49 30 1234567"])

            let expected = try reply(done)
            #expect(try reply(try await nlp.handle(phone, context: context)) == expected)
            #expect(server.requests(to: "/actions/book_callback").count == 1, "the stored answer, not a second booking")
            #expect(try await forms.formState(sessionId: "s-1")?.status == .completed)

            // After the form the bot answers as usual.
            let after = try await nlp.handle(message("hello", sequence: 4), context: context)
            #expect(try after.envelopes(on: topics.outbound).first?.annotations.intent == "greet")
        }
    }

    @Test func anIntentStartsAFormWithItsEntitiesAndTheCustomerCanCancelOrLeave() async throws {
        let environment = try BotHandlerTests.environment(
            Self.yaml("http://127.0.0.1:9"), secrets: ["SWITCHBOARD_TENANT_SHOP_ACTION_SECRET": "x"])
        let forms = InMemoryForms()
        let nlp = try await handler(environment, forms: forms)
        #expect(
            try reply(
                try await nlp.handle(message("what is the status of my order AB123456", sequence: 0), context: context))
                == "Your email?")
        #expect(try await forms.formState(sessionId: "s-1")?.slots == ["order": "AB123456"])
        #expect(
            try reply(try await nlp.handle(message("stop", sequence: 1), context: context))
                == "OK, I have cancelled that.")

        // Started again, then a message went to a person (sequence 3): the form is left.
        _ = try await nlp.handle(message("what is the status of my order AB123456", sequence: 2), context: context)
        let later = try await nlp.handle(message("hello", sequence: 4), context: context)
        #expect(try later.envelopes(on: topics.outbound).first?.annotations.intent == "greet")
        #expect(try await forms.formState(sessionId: "s-1")?.status == .abandoned)
    }

    @Test func askingForAPersonMidFormHandsOverAndARedeliveryHandsOverAgain() async throws {
        let environment = try BotHandlerTests.environment(
            Self.yaml("http://127.0.0.1:9"), secrets: ["SWITCHBOARD_TENANT_SHOP_ACTION_SECRET": "x"])
        let forms = InMemoryForms()
        let nlp = try await handler(environment, forms: forms)
        #expect(
            try reply(try await nlp.handle(message("what is the status of my order", sequence: 0), context: context))
                == "Which order?")
        let asking = message("I want to talk to a human", sequence: 1)
        let outputs = try await nlp.handle(asking, context: context)
        let handover = try #require(try outputs.envelopes(on: topics.handover).first)
        #expect(handover.annotations.handoverReason == .customerAskedForHuman)
        #expect(try outputs.envelopes(on: topics.outbound).isEmpty, "the form asks nothing more")
        #expect(try await forms.formState(sessionId: "s-1")?.status == .handedOver)
        // The same message again (a redelivery): the same hand-over, not a new form turn.
        let again = try await nlp.handle(asking, context: context)
        #expect(try again.envelopes(on: topics.handover).map(\.id) == [handover.id])
    }
}
