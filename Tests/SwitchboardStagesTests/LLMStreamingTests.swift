import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// Keeps the reply previews an engine hands over.
final class CollectedDeltas: ReplyDeltaSink {
    private let deltas = Mutex<[ReplyDelta]>([])

    var all: [ReplyDelta] { deltas.withLock { $0 } }

    func publish(_ delta: ReplyDelta) {
        deltas.withLock { $0.append(delta) }
    }
}

/// The LLM engine streaming web chat replies from the fake OpenAI-compatible server, over a real socket.
@Suite("LLM streaming over HTTP")
struct LLMStreamingTests {
    let transport = PooledBotHTTPTransport()

    func llm(
        _ server: FakeBotServer, model: String, deltas: CollectedDeltas,
        settings: (inout LLMSettings) -> Void = { _ in }
    ) -> LLMEngine {
        var llm = LLMSettings(
            url: server.baseURL + "/v1", model: model, systemPrompt: "You are Demo Shop's assistant.",
            contextTokens: 200, retries: 0)
        settings(&llm)
        return LLMEngine(
            tenantId: "demo", settings: llm, handoverIntent: "human_handoff", apiKey: "sk-test-key",
            transport: transport, breaker: CircuitBreaker(), metrics: BotMetrics(), attemptTimeout: .seconds(60),
            deltas: deltas)
    }

    func turn(_ text: String, streamed: Bool = true) -> BotTurn {
        let id = UUID()
        return BotTurn(
            tenantId: "demo", text: text, messageId: id,
            stream: streamed
                ? ReplyDeltaTarget(
                    tenantId: "demo", conversationId: "c1", userId: "u1", inReplyTo: id, traceId: "trace-1")
                : nil)
    }

    @Test func aWebChatReplyIsStreamedWithPreviewsAndTheSameAnswer() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.stream, model: "streamer")
            let deltas = CollectedDeltas()
            let turn = turn("do you ship to Norway?")
            let answer = try await llm(server, model: "streamer", deltas: deltas).answer(turn)
            let reply = "Echo: do you ship to Norway? [0]"
            #expect(answer.reply == reply)
            #expect(answer.usage == TokenUsage(input: 42, output: 7))

            let request = try #require(server.requests(to: "/v1/chat/completions").first)
            #expect(try request.json()["stream"] as? Bool == true)
            #expect(request.header("Accept") == "text/event-stream")
            let previews = deltas.all
            #expect(!previews.isEmpty)
            #expect(previews.map(\.sequence) == Array(1...previews.count))
            #expect(previews.allSatisfy { reply.hasPrefix($0.text) && $0.inReplyTo == turn.messageId })
            #expect(previews.allSatisfy { $0.tenantId == "demo" && $0.conversationId == "c1" && $0.userId == "u1" })
            #expect(previews.last?.text == reply, "the last preview is the whole text")
        }
    }

    @Test func aStreamedHandoverToolCallHandsOver() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.stream, model: "streamer")
            let deltas = CollectedDeltas()
            let answer = try await llm(server, model: "streamer", deltas: deltas).answer(turn("I want a human"))
            #expect(answer.handoverRequested)
            #expect(answer.reply == nil)
            #expect(deltas.all.isEmpty, "a tool call has no text to preview")
        }
    }

    @Test func aReplyThatEndsInTheHandoverMarkerNeverShowsItAndIsWithdrawn() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.stream, model: "streamer")
            let deltas = CollectedDeltas()
            // The fake model echoes the message, marker and all, a word at a time.
            let answer = try await llm(server, model: "streamer", deltas: deltas).answer(turn("please [HANDOVER] now"))
            #expect(answer.handoverRequested)
            let previews = deltas.all
            #expect(previews.count >= 2)
            #expect(previews.allSatisfy { !$0.text.contains("[HANDOVER]") })
            let sequences = previews.map(\.sequence)
            #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
            #expect(previews.last?.text == "", "the preview is withdrawn")
            #expect(previews.dropLast().allSatisfy { "Echo: please ".hasPrefix($0.text) && !$0.text.isEmpty })
        }
    }

    @Test func otherChannelsClassificationAndTenantsWithStreamingOffGetWholeAnswers() async throws {
        try await FakeBotServer.with { server in
            let deltas = CollectedDeltas()
            // Not from the web chat: no target.
            let plain = try await llm(server, model: "m", deltas: deltas).answer(turn("hi", streamed: false))
            #expect(plain.reply == "Echo: hi [0]")
            // Streaming off for the tenant.
            let off = try await llm(server, model: "m", deltas: deltas) { $0.stream = false }.answer(turn("hey"))
            #expect(off.reply == "Echo: hey [0]")
            // JSON-mode classification.
            server.classify("hello", as: #"{"intent":"greet","confidence":0.9}"#)
            let classified = try await llm(server, model: "m", deltas: deltas) {
                $0.classify = true
                $0.intents = ["greet"]
            }.answer(turn("hello"))
            #expect(classified.result.intent == "greet")
            let requests = server.requests(to: "/v1/chat/completions")
            #expect(requests.count == 3)
            #expect(try requests.map { try $0.json()["stream"] as? Bool } == [false, false, false])
            #expect(deltas.all.isEmpty)
        }
    }

    @Test func aServerThatIgnoresStreamingIsReadAsAWholeAnswer() async throws {
        try await FakeBotServer.with { server in
            let deltas = CollectedDeltas()
            let answer = try await llm(server, model: "m", deltas: deltas).answer(turn("hi"))
            #expect(answer.reply == "Echo: hi [0]")
            #expect(answer.usage == TokenUsage(input: 42, output: 7))
            let request = try #require(server.requests(to: "/v1/chat/completions").first)
            #expect(try request.json()["stream"] as? Bool == true)
            #expect(deltas.all.isEmpty, "no previews without a stream")
        }
    }

    @Test func aStreamingOnlyServerRefusesARequestThatDoesNotAskForStreaming() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.stream, model: "streamer")
            let deltas = CollectedDeltas()
            await #expect(throws: BotEngineError(.rejected, "the endpoint answered 400")) {
                try await llm(server, model: "streamer", deltas: deltas).answer(turn("hi", streamed: false))
            }
        }
    }

    @Test func nlpPluginStreamsWebChatRepliesOnlyAndTheReplyStillGoesOutWhole() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.stream, model: "streamer")
            server.setBehaviour(.garble, model: "garbage")
            let environment = try BotHandlerTests.environment(
                """
                tenants:
                  - id: talker
                    bot:
                      engine: llm
                      timeout_ms: 60000
                      llm: { url: "\(server.baseURL)/v1", model: streamer, history_messages: 0 }
                  - id: plain
                    bot:
                      engine: llm
                      timeout_ms: 60000
                      llm: { url: "\(server.baseURL)/v1", model: m, history_messages: 0, stream: false }
                  - id: broken
                    bot:
                      engine: llm
                      fallback: [builtin]
                      timeout_ms: 60000
                      llm: { url: "\(server.baseURL)/v1", model: garbage, history_messages: 0, retries: 0 }
                """)
            let deltas = CollectedDeltas()
            let engine = try await NLPModels.builtInEngine(for: environment)
            let bot = try BotServices.build(
                environment: environment, builtIn: engine, transport: transport, history: nil, deltas: deltas)
            let nlp = NLPHandler(bot: bot, templates: { engine.templates(forTenant: $0) }, environment: environment)
            let topics = environment.settings.topics
            let context = StageContext(
                logger: TestStack.logger("llm-streaming"), topic: topics.nlp, partition: 0, offset: 1, topics: topics)
            func message(_ text: String, tenant: String, channel: Channel = .webchat) -> Envelope {
                var envelope = Envelope(
                    id: UUIDv7Generator().next(), tenantId: tenant, channel: channel, direction: .inbound,
                    externalId: "visitor-1", content: .text(text), receivedAt: Date(), traceId: "trace-1")
                envelope.conversationId = "conversation-1"
                envelope.sessionId = "s-1"
                envelope.sequence = 1
                return envelope
            }

            // A web chat message: previews for its visitor's conversation, then the whole reply on outbound.
            let inbound = message("hello there", tenant: "talker")
            let outputs = try await nlp.handle(inbound, context: context)
            #expect(try outputs.envelopes(on: topics.outbound).first?.content == .text("Echo: hello there [0]"))
            let previews = deltas.all
            #expect(!previews.isEmpty)
            #expect(
                previews.allSatisfy {
                    $0.tenantId == "talker" && $0.conversationId == "conversation-1" && $0.userId == "visitor-1"
                        && $0.inReplyTo == inbound.id && $0.traceId == "trace-1"
                })
            #expect(previews.last?.text == "Echo: hello there [0]")

            // A WhatsApp message, and a tenant with streaming off: whole answers, no previews.
            let whatsApp = try await nlp.handle(
                message("hello there", tenant: "talker", channel: .whatsapp), context: context)
            #expect(whatsApp.isEmpty == false)
            let off = try await nlp.handle(message("hi", tenant: "plain"), context: context)
            #expect(try off.envelopes(on: topics.outbound).first?.content == .text("Echo: hi [0]"))
            #expect(deltas.all.count == previews.count)
            let requests = server.requests(to: "/v1/chat/completions")
            #expect(try requests.map { try $0.json()["stream"] as? Bool } == [true, false, false])

            // A "stream" that is not Server-Sent Events: a dead letter saying so, and the fallback answers.
            let broken = try await nlp.handle(message("hello there", tenant: "broken"), context: context)
            #expect(
                try broken.envelopes(on: topics.outbound).first?.annotations.unknownFields["engine"]
                    == .string("builtin"))
            let letters = broken.compactMap { output -> DeadLetter? in
                if case .deadLetter(let letter, _, _) = output { letter } else { nil }
            }
            #expect(letters.map(\.reason) == ["engine llm: malformed stream: line 1 is not a server-sent event field"])
        }
    }
}
