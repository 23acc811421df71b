import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// nlp-plugin's handler over each tenant's chain, with fake engine servers and no broker or database.
@Suite("nlp-plugin with engine chains and intent actions")
struct BotHandlerTests {
    let logger = TestStack.logger("bot-handler")
    let topics = TopicNames(prefix: "bot-handler.")

    static func environment(_ yaml: String, secrets: [String: String] = [:]) throws -> DaemonEnvironment {
        let tenants = try TenantDirectory(parsing: yaml)
        return DaemonEnvironment(
            name: "test",
            settings: try SwitchboardSettings(
                environment: ["SWITCHBOARD_TOPIC_PREFIX": "bot-handler."], defaultHTTPPort: 0),
            kafka: try KafkaConfiguration(), mongo: MongoConfiguration(), tenants: tenants,
            secrets: TenantSecrets(tenantIds: tenants.tenants.map(\.id), environment: secrets),
            tenantsDirectory: URL(fileURLWithPath: "/nonexistent"))
    }

    func handler(_ environment: DaemonEnvironment) async throws -> NLPHandler {
        let engine = try await NLPModels.builtInEngine(for: environment)
        let bot = try BotServices.build(
            environment: environment, builtIn: engine, transport: PooledBotHTTPTransport(), history: nil)
        return NLPHandler(bot: bot, templates: { engine.templates(forTenant: $0) }, environment: environment)
    }

    func message(_ text: String, tenant: String) -> Envelope {
        var envelope = Envelope(
            id: UUIDv7Generator().next(), tenantId: tenant, channel: .webchat, direction: .inbound,
            externalId: "visitor", content: .text(text), receivedAt: Date(), traceId: "trace-\(tenant)")
        envelope.customerId = "c-1"
        envelope.sessionId = "s-1"
        envelope.sequence = 4
        return envelope
    }

    var context: StageContext {
        StageContext(logger: logger, topic: topics.nlp, partition: 1, offset: 7, topics: topics)
    }

    @Test func rasaClassifiesAndAnIntentActionAnswersFromTheBusinessSystem() async throws {
        try await FakeBotServer.with { server in
            let environment = try Self.environment(
                """
                tenants:
                  - id: shop
                    bot:
                      engine: rasa
                      timeout_ms: 60000
                      rasa: { url: "\(server.baseURL)" }
                      actions:
                        order_status:
                          url: \(server.baseURL)/actions/order_status
                          reply: "Your order {order_id} is {status}."
                          timeout_ms: 60000
                """, secrets: ["SWITCHBOARD_TENANT_SHOP_ACTION_SECRET": server.actionSecret])
            let nlp = try await handler(environment)
            let inbound = message("where is my order AB123456", tenant: "shop")
            let outputs = try await nlp.handle(inbound, context: context)
            let reply = try #require(try outputs.envelopes(on: topics.outbound).first)
            #expect(reply.content == .text("Your order AB123456 is shipped."))
            #expect(reply.annotations.intent == "order_status")
            #expect(reply.annotations.unknownFields["engine"] == .string("rasa"))
            #expect(reply.id == DerivedID.make(from: inbound.id, name: "nlp"))

            // Rasa's greeting has no action: the tenant's template answers.
            let hello = try await nlp.handle(message("hello", tenant: "shop"), context: context)
            let greeting = try #require(try hello.envelopes(on: topics.outbound).first)
            #expect(greeting.annotations.intent == "greet")
            #expect(greeting.content?.textForUnderstanding?.isEmpty == false)

            // A redelivery calls the action again (the business deduplicates by message id) and gives the same reply.
            let again = try await nlp.handle(inbound, context: context)
            #expect(
                try again.envelopes(on: topics.outbound)
                    == outputs.envelopes(on: topics.outbound).map {
                        var same = $0
                        same.receivedAt = try #require(try again.envelopes(on: topics.outbound).first).receivedAt
                        return same
                    })
            let keys = server.requests(to: "/actions/order_status").map { $0.header("Idempotency-Key") }
            #expect(keys.count == 2 && keys[0] == keys[1])
        }
    }

    @Test func aFailingActionGivesTheFallbackReplyAndADeadLetter() async throws {
        try await FakeBotServer.with { server in
            let environment = try Self.environment(
                """
                tenants:
                  - id: shop
                    bot:
                      fallback_reply: "Sorry, our order system is down."
                      actions:
                        order_status:
                          { url: "\(server.baseURL)/actions/broken", reply: "{status}", retries: 1, timeout_ms: 60000 }
                """, secrets: ["SWITCHBOARD_TENANT_SHOP_ACTION_SECRET": server.actionSecret])
            let outputs = try await handler(environment).handle(
                message("what is the status of my order AB123456", tenant: "shop"), context: context)
            let reply = try #require(try outputs.envelopes(on: topics.outbound).first)
            #expect(reply.content == .text("Sorry, our order system is down."))
            let letters = outputs.compactMap { output -> DeadLetter? in
                if case .deadLetter(let letter, let topic, _) = output, topic == topics.deadletter {
                    letter
                } else {
                    nil
                }
            }
            let letter = try #require(letters.first)
            #expect(letter.reason == "action 'order_status': the action answered 500")
            #expect(letter.stage == "nlp-plugin")
            #expect(letter.originalTopic == topics.nlp && letter.offset == 7)
            #expect(
                try EnvelopeCodec().decode(letter.originalBytes).content
                    == .text("what is the status of my order AB123456"))
        }
    }

    @Test func aFailingModelWithoutFallbackHandsOverAndOneWithFallbackAnswers() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.fail, model: "down")
            let environment = try Self.environment(
                """
                tenants:
                  - id: alone
                    bot:
                      engine: llm
                      timeout_ms: 60000
                      llm: { url: "\(server.baseURL)/v1", model: down, retries: 0 }
                  - id: chained
                    bot:
                      engine: llm
                      timeout_ms: 60000
                      fallback: [builtin]
                      llm: { url: "\(server.baseURL)/v1", model: down, retries: 0 }
                  - id: talker
                    bot:
                      engine: llm
                      timeout_ms: 60000
                      llm: { url: "\(server.baseURL)/v1", model: up }
                """)
            let nlp = try await handler(environment)
            let alone = try await nlp.handle(message("hello there", tenant: "alone"), context: context)
            let handedOver = try #require(try alone.envelopes(on: topics.handover).first)
            #expect(handedOver.annotations.handoverReason == .botUnavailable)

            let chained = try await nlp.handle(message("hello there", tenant: "chained"), context: context)
            let reply = try #require(try chained.envelopes(on: topics.outbound).first)
            #expect(reply.annotations.unknownFields["engine"] == .string("builtin"))
            #expect(reply.annotations.intent == "greet")

            let talker = try await nlp.handle(message("hello there", tenant: "talker"), context: context)
            #expect(try talker.envelopes(on: topics.outbound).first?.content == .text("Echo: hello there [0]"))
            let human = try await nlp.handle(message("a human please", tenant: "talker"), context: context)
            #expect(try human.envelopes(on: topics.handover).first?.annotations.handoverReason == .botRequested)
        }
    }

    @Test func anUnreadableModelAnswerIsDeadLetteredAndTheFallbackAnswers() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.garble, model: "garbage")
            let environment = try Self.environment(
                """
                tenants:
                  - id: shop
                    bot:
                      engine: llm
                      fallback: [builtin]
                      timeout_ms: 60000
                      llm: { url: "\(server.baseURL)/v1", model: garbage }
                """)
            let outputs = try await handler(environment).handle(
                message("hello there", tenant: "shop"), context: context)
            #expect(
                try outputs.envelopes(on: topics.outbound).first?.annotations.unknownFields["engine"]
                    == .string("builtin"))
            let letters = outputs.compactMap { output -> DeadLetter? in
                if case .deadLetter(let letter, _, _) = output { letter } else { nil }
            }
            #expect(letters.map(\.reason) == ["engine llm: the answer is not a chat completion"])
        }
    }

    @Test func actionsGoToTheActionsTopicForTheBusinesssOwnConsumers() async throws {
        let environment = try Self.environment(
            """
            tenants:
              - id: shop
                bot:
                  actions:
                    order_status: { topic: true, reply: "We are looking into order {order_id}." }
            """)
        let inbound = message("what is the status of my order AB123456", tenant: "shop")
        let outputs = try await handler(environment).handle(inbound, context: context)
        #expect(
            try outputs.envelopes(on: topics.outbound).first?.content == .text("We are looking into order AB123456."))
        let events = try outputs.events(on: topics.actions)
        let event = try #require(events.first)
        #expect(events.count == 1)
        #expect(event.type == .intentAction)
        #expect(event.details["action"] == "order_status")
        #expect(event.details["entity.order_id"] == "AB123456")
        #expect(event.details["message_id"] == inbound.id.uuidString.lowercased())
        #expect(event.sessionId == "s-1" && event.customerId == "c-1")
        let again = try await handler(environment).handle(inbound, context: context)
        #expect(try again.events(on: topics.actions).first?.id == event.id, "a redelivery publishes the same event id")
    }

    @Test func actionsWithoutASigningSecretStopTheStart() async throws {
        let environment = try Self.environment(
            """
            tenants:
              - id: shop
                bot:
                  actions: { order_status: { url: "https://shop.example/a" } }
            """)
        let builtIn = try await NLPModels.builtInEngine(for: environment)
        #expect {
            _ = try BotServices.build(
                environment: environment, builtIn: builtIn,
                transport: PooledBotHTTPTransport(), history: nil)
        } throws: { error in
            "\(error)".contains("SWITCHBOARD_TENANT_SHOP_ACTION_SECRET")
        }
    }
}
