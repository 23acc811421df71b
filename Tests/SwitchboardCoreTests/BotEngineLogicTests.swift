import Foundation
import SwitchboardCore
import Testing

@Suite("Bot engine logic: prompts, answers, signatures")
struct BotEngineLogicTests {
    let estimator = TokenEstimator(charactersPerToken: 4, perMessage: 4)

    func turn(_ text: String, history: [String] = []) -> BotTurn {
        BotTurn(
            tenantId: "demo", text: text,
            history: history.enumerated().map { index, text in
                BotContextMessage(author: index.isMultiple(of: 2) ? .customer : .business, text: text)
            }, messageId: UUID())
    }

    @Test func thePromptKeepsTheNewestHistoryThatFitsTheBudget() {
        // Each history entry costs 40/4 + 4 = 14 tokens; system and message cost 4 + 4 and 1 + 4.
        let history = (0..<6).map { String(repeating: "\($0)", count: 40) }
        let prompt = ChatPrompt.build(
            system: "be nice!", turn: turn("hey", history: history), budget: 13 + 3 * 14,
            estimator: estimator)
        #expect(prompt.messages.first == ChatPrompt.Message(role: "system", content: "be nice!"))
        #expect(prompt.messages.last == ChatPrompt.Message(role: "user", content: "hey"))
        #expect(prompt.messages.dropFirst().dropLast().map(\.content) == Array(history.suffix(3)))
        #expect(prompt.messages[1].role == "assistant", "the fourth history entry is the business's")
        #expect(prompt.droppedHistory == 3)
        #expect(prompt.estimatedTokens <= 13 + 3 * 14)
    }

    @Test func customerMessagesAreUserAndTheBusinessesAreAssistant() {
        let prompt = ChatPrompt.build(
            system: "s", turn: turn("now", history: ["hi", "hello!"]), budget: 1000, estimator: estimator)
        #expect(prompt.messages.map(\.role) == ["system", "user", "assistant", "user"])
    }

    @Test func aMessageOverTheBudgetStillGoesAloneWithTheSystemPrompt() {
        let long = String(repeating: "x", count: 4000)
        let prompt = ChatPrompt.build(
            system: "s", turn: turn(long, history: ["earlier"]), budget: 100, estimator: estimator)
        #expect(prompt.messages.map(\.content) == ["s", long])
        #expect(prompt.droppedHistory == 1)
    }

    func interpret(_ body: String, classify: Bool = false) throws -> BotAnswer {
        try ChatCompletion.interpret(
            Array(body.utf8), classify: classify, handoverMarker: "[HANDOVER]", estimatedInput: 10,
            estimator: estimator)
    }

    @Test func aModelsReplyHandoverToolCallMarkerAndUsageAreRead() throws {
        let reply = try interpret(
            #"{"choices":[{"message":{"content":" Hello there! "}}],"usage":{"prompt_tokens":12,"completion_tokens":3}}"#
        )
        #expect(reply.reply == "Hello there!")
        #expect(!reply.handoverRequested)
        #expect(reply.usage == TokenUsage(input: 12, output: 3))

        let tool = try interpret(
            #"{"choices":[{"message":{"content":null,"tool_calls":[{"type":"function","function":{"name":"handover_to_human","arguments":"{}"}}]}}]}"#
        )
        #expect(tool.handoverRequested)
        #expect(tool.usage == TokenUsage(input: 10, output: 0), "no usage given: the estimate")

        let marker = try interpret(#"{"choices":[{"message":{"content":"Let me get someone. [HANDOVER]"}}]}"#)
        #expect(marker.handoverRequested)
    }

    @Test func jsonModeGivesIntentConfidenceAndEntities() throws {
        let content =
            #"{\"intent\":\"order_status\",\"confidence\":0.87,\"entities\":{\"order_id\":\"AB123456\",\"count\":2}}"#
        let answer = try interpret(#"{"choices":[{"message":{"content":"\#(content)"}}]}"#, classify: true)
        #expect(answer.result.intent == "order_status")
        #expect(answer.result.confidence == 0.87)
        #expect(
            answer.result.entities == [Entity(name: "count", value: "2"), Entity(name: "order_id", value: "AB123456")])
        #expect(answer.reply == nil)
    }

    @Test(arguments: [
        "not json", #"{"choices":[]}"#, #"{"choices":[{"message":{"content":"   "}}]}"#,
    ])
    func unreadableAnswersAreBadAnswers(body: String) {
        #expect(throws: BotEngineError.self) { try interpret(body) }
    }

    @Test func aJSONModeAnswerThatIsNotAnObjectIsABadAnswer() {
        #expect(throws: BotEngineError.self) {
            try interpret(#"{"choices":[{"message":{"content":"order_status"}}]}"#, classify: true)
        }
    }

    @Test func theRequestCarriesJSONModeOrTheHandoverTool() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = ChatCompletion.Request(
            model: "m", messages: [.init(role: "user", content: "hi")], maxTokens: 5, temperature: 0,
            handoverTool: true)
        let text = String(decoding: try encoder.encode(plain), as: UTF8.self)
        #expect(text.contains(#""name":"handover_to_human""#))
        #expect(!text.contains("response_format"))
        let json = ChatCompletion.Request(
            model: "m", messages: [], maxTokens: 5, temperature: 0, jsonMode: true)
        #expect(
            String(decoding: try encoder.encode(json), as: UTF8.self).contains(
                #""response_format":{"type":"json_object"}"#))
    }

    @Test func rasasParseResultMapsToAnNLPResult() throws {
        let body = #"""
            {"text":"where is AB123456","intent":{"name":"order_status","confidence":0.91},
             "entities":[{"entity":"order_id","value":"AB123456","start":9,"end":17},{"entity":"count","value":3}],
             "intent_ranking":[{"name":"order_status","confidence":0.91},{"name":"greet","confidence":0.05}]}
            """#
        let result = try RasaParse.result(Array(body.utf8))
        #expect(result.intent == "order_status")
        #expect(result.confidence == 0.91)
        #expect(
            result.entities == [
                Entity(name: "order_id", value: "AB123456", start: 9, end: 17), Entity(name: "count", value: "3"),
            ])
        #expect(result.ranking.map(\.intent) == ["order_status", "greet"])
        #expect(throws: BotEngineError.self) { try RasaParse.result(Array("<html>".utf8)) }
    }

    @Test func actionSignaturesVerifyOnlyWithTheSecretBodyAndARecentTimestamp() {
        let body = Array(#"{"action":"order_status"}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let signature = ActionSignature.sign(body: body, timestamp: 1_800_000_000, secret: "s3cret")
        #expect(signature.hasPrefix("sha256="))
        #expect(
            ActionSignature.verify(
                body: body, timestamp: "1800000000", signature: signature, secret: "s3cret", now: now))
        #expect(
            !ActionSignature.verify(
                body: body, timestamp: "1800000000", signature: signature, secret: "other", now: now))
        #expect(
            !ActionSignature.verify(
                body: body + [0x20], timestamp: "1800000000", signature: signature, secret: "s3cret", now: now))
        #expect(
            !ActionSignature.verify(
                body: body, timestamp: "1800000001", signature: signature, secret: "s3cret", now: now))
        #expect(
            !ActionSignature.verify(
                body: body, timestamp: "1800000000", signature: signature, secret: "s3cret",
                now: now.addingTimeInterval(3600)))
    }

    @Test func actionAnswersFillTheReplyTemplate() throws {
        let answer = try ActionAnswer.parse(Array(#"{"data":{"status":"shipped","items":2},"handover":false}"#.utf8))
        #expect(answer.data == ["status": "shipped", "items": "2"])
        let values = ["order_id": "AB123456"].merging(answer.data) { _, new in new }
        #expect(
            ReplyTemplate.fill("Your order {order_id} is {status}", with: values) == "Your order AB123456 is shipped")
        #expect(ReplyTemplate.fill("Due {date}", with: values) == nil)
        #expect(try ActionAnswer.parse(Array(#"{"handover":true}"#.utf8)).handover)
        #expect(throws: BotEngineError.self) { try ActionAnswer.parse(Array("[1]".utf8)) }
    }

    @Test func anActionCallsBodyIsTheSameForTheSameCall() {
        let id = UUID()
        let call = ActionCall(
            action: "order_status", intent: "order_status",
            entities: [Entity(name: "order_id", value: "AB1"), Entity(name: "order_id", value: "AB2")],
            tenantId: "demo",
            customerId: "c", sessionId: "s", messageId: id, text: "where")
        #expect(call.body() == call.body())
        #expect(call.entities == ["order_id": "AB1"])
        #expect(
            String(decoding: call.body(), as: UTF8.self).contains(#""message_id":"\#(id.uuidString.lowercased())""#))
    }
}
