import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// A session's last choice, in memory; counts the look-ups.
final class CountingChoices: ChoiceHistory {
    let choice: Content.Choice?
    private let calls = Mutex(0)

    init(_ choice: Content.Choice?) {
        self.choice = choice
    }

    var lookups: Int { calls.withLock { $0 } }

    func lastChoice(tenantId: String, sessionId: String, before sequence: Int64) async throws -> Content.Choice? {
        calls.withLock { $0 += 1 }
        return choice
    }
}

/// An intent action's business system that always answers `body`, without a socket.
struct AnsweringTransport: BotHTTPTransport {
    let body: String

    func send(_ request: ProviderHTTPRequest, timeout: Duration) async throws -> ProviderHTTPResponse {
        ProviderHTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(body.utf8))
    }
}

/// nlp-plugin's rich template replies, `/intent` payloads and numbered answers, over the built-in engine with
/// no broker, database or network.
@Suite("nlp-plugin rich replies, /intent payloads and numbered answers")
struct RichBotReplyTests {
    let logger = TestStack.logger("bot-rich")
    let topics = TopicNames(prefix: "bot-handler.")

    static let training = """
        nlu:
          - intent: greet
            examples: |
              - hello
              - hi
              - good morning
          - intent: buy_shirt
            examples: |
              - I want to buy a shirt
              - do you sell shirts
              - shirts please
          - intent: choose_size
            examples: |
              - small please
              - the large size
              - medium
          - intent: order_status
            examples: |
              - where is my order
              - order status
              - track my parcel
        responses:
          utter_greet:
            - text: "Hello!"
          utter_buy_shirt:
            - text: "Which size?"
              image: https://shop.example/sizes.png
              buttons:
                - { title: Small, payload: '/choose_size{"size": "S"}' }
                - { title: Large, payload: '/choose_size{"size": "L"}' }
          utter_choose_size:
            - text: "Size {size} it is."
          utter_order_status:
            - text: "Order {order_id} is on its way."
        """

    static let sizes = Content.Choice(
        text: "Which size?",
        options: [
            Content.Choice.Option(id: #"/choose_size{"size": "S"}"#, title: "Small"),
            Content.Choice.Option(id: #"/choose_size{"size": "L"}"#, title: "Large"),
        ])

    func handler(
        _ yaml: String = "tenants:\n  - id: shop\n", choices: (any ChoiceHistory)? = nil,
        answer: String = "{}"
    ) throws -> NLPHandler {
        let environment = try BotHandlerTests.environment(
            yaml, secrets: ["SWITCHBOARD_TENANT_SHOP_ACTION_SECRET": "secret"])
        let engine = BuiltInNLPEngine(models: ["shop": try NLUModel(yaml: Self.training)])
        let bot = try BotServices.build(
            environment: environment, builtIn: engine, transport: AnsweringTransport(body: answer), history: nil,
            choices: choices)
        return NLPHandler(
            bot: bot, templates: { engine.templates(forTenant: $0) }, intents: { engine.model(forTenant: $0)?.intents },
            environment: environment)
    }

    func message(_ content: Content, channel: Channel = .webchat) -> Envelope {
        var envelope = Envelope(
            id: UUIDv7Generator().next(), tenantId: "shop", channel: channel, direction: .inbound,
            externalId: "+15550100", content: content, receivedAt: Date(), traceId: "trace-rich")
        envelope.customerId = "c-1"
        envelope.sessionId = "s-1"
        envelope.sequence = 5
        return envelope
    }

    var context: StageContext {
        StageContext(logger: logger, topic: topics.nlp, partition: 0, offset: 0, topics: topics)
    }

    /// The bot's replies (messages only, no receipts).
    func replies(_ outputs: [StageOutput]) throws -> [Envelope] {
        try outputs.envelopes(on: topics.outbound).filter { $0.kind == .message }
    }

    /// The message as the bot understood it: on its reply, or handed over.
    func understood(_ outputs: [StageOutput]) throws -> Envelope {
        try #require(try (outputs.envelopes(on: topics.outbound) + outputs.envelopes(on: topics.handover)).first)
    }

    @Test func anImageWithButtonsGoesOutAsTheImageThenTheChoiceUnderStableIds() async throws {
        let nlp = try handler()
        let inbound = message(.text("/buy_shirt"))
        let outputs = try await nlp.handle(inbound, context: context)
        let sent = try replies(outputs)
        #expect(
            sent.map(\.content) == [
                .media(Content.Media(reference: "https://shop.example/sizes.png", kind: .image)), .choice(Self.sizes),
            ])
        #expect(
            sent.map(\.id) == [
                DerivedID.make(from: inbound.id, name: "nlp"), DerivedID.make(from: inbound.id, name: "nlp-2"),
            ])
        #expect(sent.allSatisfy { $0.replyTo == inbound.id && $0.annotations.intent == "buy_shirt" })
        #expect(sent.first?.annotations.unknownFields["engine"] == .string("payload"))
        #expect(sent.first?.annotations.confidence == 1)

        let again = try replies(try await nlp.handle(inbound, context: context))
        #expect(again.map(\.id) == sent.map(\.id), "a redelivery gives the same two replies")
    }

    @Test func aTextTemplateStillGoesOutAsText() async throws {
        let inbound = message(.text("/greet"))
        let sent = try replies(try await handler().handle(inbound, context: context))
        #expect(sent.map(\.content) == [.text("Hello!")])
        #expect(sent.map(\.id) == [DerivedID.make(from: inbound.id, name: "nlp")])
    }

    @Test func aButtonPayloadNamesItsIntentAndEntities() async throws {
        let tap = message(
            .interactive(Content.InteractiveReply(payload: #"/order_status{"order_id": "AB123456"}"#, title: "Track")))
        let reply = try #require(try replies(try await handler().handle(tap, context: context)).first)
        #expect(reply.content == .text("Order AB123456 is on its way."))
        #expect(reply.annotations.intent == "order_status")
        #expect(reply.annotations.entities == [Entity(name: "order_id", value: "AB123456")])
    }

    @Test(
        "a malformed or unknown /intent is classified from its title",
        arguments: ["/no_such_intent", #"/greet{"broken"#, "/" + String(repeating: "x", count: 200)])
    func malformedPayloads(payload: String) async throws {
        let tap = message(.interactive(Content.InteractiveReply(payload: payload, title: "hello")))
        let seen = try understood(try await handler().handle(tap, context: context))
        #expect(seen.annotations.unknownFields["engine"] == .string("builtin"))
        #expect(seen.annotations.intent == "greet")
    }

    @Test func aNumberedAnswerOnSMSIsATapOnThatOption() async throws {
        let choices = CountingChoices(Self.sizes)
        let outputs = try await handler(choices: choices).handle(
            message(.text(" 2. "), channel: .sms), context: context)
        let reply = try #require(try replies(outputs).first)
        #expect(reply.content == .text("Size L it is."))
        #expect(reply.annotations.intent == "choose_size")
        #expect(
            reply.annotations.unknownFields["numbered_answer"]
                == .object(["number": .number(2), "option": .string(#"/choose_size{"size": "L"}"#)]))
        #expect(choices.lookups == 1)
    }

    @Test func aNumberWithoutSuchAnOptionOrWithoutAChoiceBeforeIsLeftAlone() async throws {
        for (choices, text) in [(CountingChoices(Self.sizes), "7"), (CountingChoices(nil), "2")] {
            let seen = try understood(
                try await handler(choices: choices).handle(message(.text(text), channel: .sms), context: context))
            #expect(seen.annotations.unknownFields["numbered_answer"] == nil)
            #expect(seen.annotations.unknownFields["engine"] == .string("builtin"), "classified as the text it is")
            #expect(choices.lookups == 1)
        }
    }

    @Test func onlyABareNumberOnANumberedChannelReadsTheSession() async throws {
        let choices = CountingChoices(Self.sizes)
        let nlp = try handler(choices: choices)
        _ = try await nlp.handle(message(.text("hello"), channel: .sms), context: context)
        _ = try await nlp.handle(message(.text("2 please"), channel: .sms), context: context)
        _ = try await nlp.handle(message(.text("2"), channel: .telegram), context: context)
        #expect(choices.lookups == 0)
        _ = try await nlp.handle(message(.text("2"), channel: .sms), context: context)
        #expect(choices.lookups == 1)
    }

    static let actions = """
        tenants:
          - id: shop
            bot:
              actions:
                order_status: { url: "https://shop.example/actions/order", retries: 0 }
        """

    @Test func anActionsAnswerWithButtonsGoesOutAsAChoice() async throws {
        let answer = #"""
            {"reply": "Which order?", "buttons": [
              {"title": "AB123456", "payload": "/order_status{\"order_id\": \"AB123456\"}"},
              {"title": "Another", "payload": "/human_handoff"}]}
            """#
        let nlp = try handler(Self.actions, answer: answer)
        let reply = try #require(
            try replies(try await nlp.handle(message(.text("/order_status")), context: context)).first)
        #expect(
            reply.content
                == .choice(
                    Content.Choice(
                        text: "Which order?",
                        options: [
                            Content.Choice.Option(id: #"/order_status{"order_id": "AB123456"}"#, title: "AB123456"),
                            Content.Choice.Option(id: "/human_handoff", title: "Another"),
                        ])))
    }

    @Test func anActionsBadButtonsAreLeftOutAndTheTextGoesOut() async throws {
        let nlp = try handler(Self.actions, answer: #"{"reply": "Which order?", "buttons": [{"title": 1}]}"#)
        let sent = try replies(try await nlp.handle(message(.text("/order_status")), context: context))
        #expect(sent.map(\.content) == [.text("Which order?")])
    }
}
