import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The Rasa and LLM adapters and intent actions against fake servers on a real socket.
@Suite("Bot engines over HTTP")
struct BotEnginesHTTPTests {
    let transport = PooledBotHTTPTransport()

    func llm(
        _ server: FakeBotServer, model: String = "m", settings: (inout LLMSettings) -> Void = { _ in },
        breaker: CircuitBreaker = CircuitBreaker(), retries: Int = 0
    ) -> LLMEngine {
        var llm = LLMSettings(
            url: server.baseURL + "/v1", model: model, systemPrompt: "You are Demo Shop's assistant.",
            contextTokens: 200, retries: retries)
        settings(&llm)
        return LLMEngine(
            tenantId: "demo", settings: llm, handoverIntent: "human_handoff", apiKey: "sk-test-key",
            transport: transport, breaker: breaker, metrics: BotMetrics(), attemptTimeout: .seconds(60),
            retry: RetryPolicy(maxAttempts: retries + 1, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)))
    }

    @Test func theLLMGetsTheSystemPromptTheContextAndTheMessage() async throws {
        try await FakeBotServer.with { server in
            let history = [
                BotContextMessage(author: .customer, text: "hi"),
                BotContextMessage(author: .business, text: "Hello! How can I help?"),
            ]
            let turn = BotTurn(tenantId: "demo", text: "do you ship to Norway?", history: history, messageId: UUID())
            let answer = try await llm(server).answer(turn)
            #expect(answer.reply == "Echo: do you ship to Norway? [2]")
            #expect(answer.usage == TokenUsage(input: 42, output: 7))

            let request = try #require(server.requests(to: "/v1/chat/completions").first)
            #expect(request.header("Authorization") == "Bearer sk-test-key")
            let body = try request.json()
            #expect(body["model"] as? String == "m")
            #expect(body["stream"] as? Bool == false)
            let messages = try #require(body["messages"] as? [[String: String]])
            #expect(messages.map { $0["role"] ?? "" } == ["system", "user", "assistant", "user"])
            #expect(
                messages.map { $0["content"] ?? "" } == [
                    "You are Demo Shop's assistant.", "hi", "Hello! How can I help?", "do you ship to Norway?",
                ])
            let tools = try #require(body["tools"] as? [[String: Any]])
            #expect((tools.first?["function"] as? [String: Any])?["name"] as? String == "handover_to_human")
        }
    }

    @Test func theContextWindowDropsTheOldestMessagesBeyondTheBudget() async throws {
        try await FakeBotServer.with { server in
            // 200 tokens: the system prompt and message take about 20; each old message about 29.
            let history = (0..<12).map {
                BotContextMessage(author: .customer, text: "message \($0) " + String(repeating: "x", count: 90))
            }
            _ = try await llm(server).answer(
                BotTurn(tenantId: "demo", text: "and now?", history: history, messageId: UUID()))
            let messages = try #require(try server.requests.first?.json()["messages"] as? [[String: String]])
            let context = messages.dropFirst().dropLast().compactMap { $0["content"] }
            #expect(!context.isEmpty && context.count < 12)
            #expect(context.last?.hasPrefix("message 11 ") == true, "the newest is kept")
            #expect(!context.contains { $0.hasPrefix("message 0 ") }, "the oldest is dropped")
        }
    }

    @Test func theModelHandsOverWithTheTool() async throws {
        try await FakeBotServer.with { server in
            let answer = try await llm(server).answer(
                BotTurn(tenantId: "demo", text: "let me talk to a human", messageId: UUID()))
            #expect(answer.handoverRequested)
        }
    }

    @Test func jsonModeClassifiesIntoTheTenantsIntents() async throws {
        try await FakeBotServer.with { server in
            server.classify(
                "where is AB123456",
                as: #"{"intent":"order_status","confidence":0.9,"entities":{"order_id":"AB123456"}}"#)
            let engine = llm(server) {
                $0.classify = true
                $0.intents = ["order_status", "greet"]
            }
            let answer = try await engine.answer(
                BotTurn(tenantId: "demo", text: "where is AB123456", messageId: UUID()))
            #expect(answer.result.intent == "order_status")
            #expect(answer.result.entities == [Entity(name: "order_id", value: "AB123456")])
            let body = try #require(try server.requests.first?.json())
            #expect((body["response_format"] as? [String: String])?["type"] == "json_object")
            #expect(body["tools"] == nil)
            let system = (body["messages"] as? [[String: String]])?.first?["content"] ?? ""
            #expect(system.contains(#""order_status""#) && system.contains(#""human_handoff""#))
        }
    }

    @Test func aRepeatedPromptIsAnsweredFromTheCache() async throws {
        try await FakeBotServer.with { server in
            let engine = llm(server)
            let turn = BotTurn(tenantId: "demo", text: "hello", messageId: UUID())
            let first = try await engine.answer(turn)
            let second = try await engine.answer(turn)
            #expect(first == second)
            #expect(server.requests.count == 1)
        }
    }

    @Test func failuresAreRetriedThenOpenTheCircuit() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.fail, model: "down")
            let breaker = CircuitBreaker(failureThreshold: 2, coolDown: .seconds(600))
            let engine = llm(server, model: "down", breaker: breaker, retries: 1)
            let turn = BotTurn(tenantId: "demo", text: "hello", messageId: UUID())
            await #expect(throws: BotEngineError(.unavailable, "the endpoint answered 500")) {
                try await engine.answer(turn)
            }
            #expect(server.requests.count == 2, "the first attempt and one retry")
            await #expect(throws: BotEngineError.self) { try await engine.answer(turn) }
            #expect(server.requests.count == 2, "the circuit is open: no third request")
        }
    }

    @Test func rasasIntentsAndEntitiesComeBackMapped() async throws {
        try await FakeBotServer.with { server in
            let rasa = RasaEngine(
                settings: RasaSettings(url: server.baseURL), token: "rasa-token", transport: transport,
                breaker: CircuitBreaker(), attemptTimeout: .seconds(60))
            let id = UUID()
            let answer = try await rasa.answer(
                BotTurn(tenantId: "demo", text: "where is my order AB123456", messageId: id))
            #expect(answer.result.intent == "order_status")
            #expect(answer.result.confidence == 0.93)
            #expect(answer.result.entities.map(\.value) == ["AB123456"])
            let request = try #require(server.requests(to: "/model/parse").first)
            #expect(request.query == "token=rasa-token")
            #expect(try request.json()["message_id"] as? String == id.uuidString.lowercased())
        }
    }

    func actions(secret: String?) -> IntentActions {
        var environment: [String: String] = [:]
        if let secret { environment["SWITCHBOARD_TENANT_DEMO_ACTION_SECRET"] = secret }
        return IntentActions(
            transport: transport, secrets: TenantSecrets(tenantIds: ["demo"], environment: environment),
            metrics: BotMetrics(), retryDelay: .milliseconds(1))
    }

    func call(_ action: String) -> ActionCall {
        ActionCall(
            action: action, intent: action, entities: [Entity(name: "order_id", value: "AB123456")], tenantId: "demo",
            customerId: "c-1", sessionId: "s-1", messageId: UUID(), text: "where is my order AB123456")
    }

    @Test func aSignedActionsAnswerFillsTheReply() async throws {
        try await FakeBotServer.with { server in
            let settings = IntentActionSettings(
                url: server.baseURL + "/actions/order_status", reply: "Your order {order_id} is {status}.",
                timeoutMilliseconds: 60000)
            let outcome = await actions(secret: server.actionSecret).run(
                settings, call: call("order_status"), values: ["order_id": "AB123456"])
            #expect(outcome == .reply("Your order AB123456 is shipped."))
            let request = try #require(server.requests.first)
            #expect(request.header("Idempotency-Key") == (try request.json()["message_id"] as? String))
            #expect((try request.json()["entities"] as? [String: String]) == ["order_id": "AB123456"])
        }
    }

    @Test func actionsFailOnAWrongSignatureErrorsAndGarbleAfterRetries() async throws {
        try await FakeBotServer.with { server in
            let wrong = await actions(secret: "not-the-secret").run(
                IntentActionSettings(
                    url: server.baseURL + "/actions/order_status", reply: "{status}", timeoutMilliseconds: 60000),
                call: call("order_status"), values: [:])
            #expect(wrong == .failed(reason: "action 'order_status': the action answered 401"))
            #expect(server.requests.count == 1, "a 401 is not retried")

            let broken = await actions(secret: server.actionSecret).run(
                IntentActionSettings(
                    url: server.baseURL + "/actions/broken", reply: "{status}", timeoutMilliseconds: 60000, retries: 2),
                call: call("broken"), values: [:])
            #expect(broken == .failed(reason: "action 'broken': the action answered 500"))
            #expect(server.requests(to: "/actions/broken").count == 3)

            let garbled = await actions(secret: server.actionSecret).run(
                IntentActionSettings(
                    url: server.baseURL + "/actions/garbled", reply: "{status}", timeoutMilliseconds: 60000),
                call: call("garbled"), values: [:])
            #expect(garbled == .failed(reason: "action 'garbled': the action's answer is not a JSON object"))

            let escalate = await actions(secret: server.actionSecret).run(
                IntentActionSettings(url: server.baseURL + "/actions/escalate", timeoutMilliseconds: 60000),
                call: call("escalate"), values: [:])
            #expect(escalate == .handover)

            let unsigned = await actions(secret: nil).run(
                IntentActionSettings(url: server.baseURL + "/actions/order_status"), call: call("order_status"),
                values: [:])
            #expect(unsigned == .failed(reason: "tenant secret ACTION_SECRET is not set"))
        }
    }
}
