import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("web chat reply previews: who gets them")
struct ReplyDeltaFollowersTests {
    @Test func aPreviewGoesToItsTenantUserAndConversationOnly() {
        let streams = ReplyStreams()
        let key = ReplyStreams.Key(tenantId: "acme", conversationId: "c1", userId: "u1")
        let (events, continuation) = AsyncStream.makeStream(of: WebChatStreamEvent.self)
        _ = events
        let ticket = streams.follow(key, with: continuation)
        #expect(ticket != nil)
        func delta(tenant: String = "acme", conversation: String = "c1", user: String = "u1") -> ReplyDelta {
            ReplyDelta(
                target: ReplyDeltaTarget(
                    tenantId: tenant, conversationId: conversation, userId: user, inReplyTo: UUID(), traceId: "t"),
                sequence: 1, text: "Hel")
        }
        #expect(streams.publish(delta: delta(tenant: "globex")) == 0)
        #expect(streams.publish(delta: delta(user: "u2")) == 0)
        #expect(streams.publish(delta: delta(conversation: "c2")) == 0)
        #expect(streams.publish(delta: delta()) == 1)
    }
}

/// Stands in for nlp-plugin between `inbound` and `outbound`: stores each inbound message and answers it with
/// the LLM engine streaming from the fake server, its previews going to the `reply-deltas` topic.
final class StreamingLLMBot: Sendable {
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let database: SwitchboardDatabase
    private let topics: TopicNames
    let previews: ReplyDeltaPublisher
    let engine: LLMEngine

    init(daemon: ChannelWebhookDaemon, server: FakeBotServer, model: String) throws {
        topics = daemon.environment.settings.topics
        consumer = try KafkaConsumer(
            configuration: daemon.environment.kafka, groupID: TestStack.uniqueName("llm-bot"),
            topics: [topics.inbound], logger: TestStack.logger("llm-bot"))
        producer = daemon.producer
        database = daemon.context.database
        previews = ReplyDeltaPublisher(
            producer: daemon.producer, topic: topics.replyDeltas, logger: TestStack.logger("previews"))
        engine = LLMEngine(
            tenantId: "acme", settings: LLMSettings(url: server.baseURL + "/v1", model: model, retries: 0),
            handoverIntent: "human_handoff", apiKey: nil, transport: PooledBotHTTPTransport(),
            breaker: CircuitBreaker(), metrics: BotMetrics(), attemptTimeout: .seconds(120), deltas: previews)
    }

    func run() async throws {
        for try await batch in consumer.batches() {
            for record in batch {
                let inbound = try EnvelopeCodec().decode(record.value)
                try await database.messages.insertIfNew(.init(inbound, status: "received", at: inbound.receivedAt))
                var turn = BotTurn(
                    tenantId: inbound.tenantId, text: inbound.content?.textForUnderstanding ?? "",
                    messageId: inbound.id)
                turn.stream = ReplyDeltaTarget(
                    tenantId: inbound.tenantId, conversationId: inbound.conversationId ?? "",
                    userId: inbound.externalId, inReplyTo: inbound.id, traceId: inbound.traceId)
                let answer = try await engine.answer(turn)
                let reply = inbound.reply(
                    content: .text(answer.reply ?? "(none)"), sender: .bot, stage: "nlp-plugin", at: Date())
                try await producer.send(try StageOutput.envelope(reply, to: topics.outbound).record())
            }
            try await consumer.commit(batch)
        }
    }

    /// Runs the bot and its preview publisher beside `body`, then stops both.
    static func alongside<R: Sendable>(
        _ daemon: ChannelWebhookDaemon, server: FakeBotServer, model: String,
        _ body: @escaping @Sendable (StreamingLLMBot) async throws -> R
    ) async throws -> R {
        let bot = try StreamingLLMBot(daemon: daemon, server: server, model: model)
        let result = try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                try await bot.run()
                return nil
            }
            group.addTask {
                try await bot.previews.run()
                return nil
            }
            defer {
                bot.consumer.stop()
                group.cancelAll()
            }
            return try await body(bot)
        }
        await bot.consumer.close()
        return result
    }
}

/// Reply previews through the real broker: nlp-plugin's previews on `reply-deltas`, channel-webhook's relay,
/// a visitor's stream.
extension ChannelWebhookStackTests {
    @Suite("web chat reply previews") struct ReplyPreviews {
        let key = ChannelWebhookTestEnvironment.apiKey

        func stream(
            _ port: Int, user: String, conversation: String, daemon: ChannelWebhookDaemon
        ) async throws
            -> EventStreamClient
        {
            let token = try await daemon.context.visitorTokens.issue(
                tenantId: "acme", userId: user, conversationId: conversation, now: Date())
            let url = try #require(
                URL(
                    string:
                        "http://127.0.0.1:\(port)/api/v1/user/\(user)/messages/\(conversation)/stream"
                        + "?visitor_token=\(token)&api_key=\(key)"))
            let stream = EventStreamClient(url: url)
            #expect(try await stream.connected(within: .seconds(30)) == 200)
            return stream
        }

        func json(_ event: EventStreamClient.Event) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any])
        }

        /// Puts a preview on the topic as nlp-plugin does.
        func produce(_ delta: ReplyDelta, daemon: ChannelWebhookDaemon) async throws {
            try await daemon.producer.send(
                KafkaOutgoingRecord(
                    topic: daemon.environment.settings.topics.replyDeltas, key: delta.partitionKey,
                    value: Array(try SwitchboardJSON.makeEncoder().encode(delta))))
        }

        /// Waits until `stream` has an event `matching`; the events so far.
        func events(
            of stream: EventStreamClient, _ what: String,
            matching: @escaping @Sendable (EventStreamClient.Event) -> Bool
        ) async throws -> [EventStreamClient.Event] {
            try await stream.events(what, within: .seconds(120)) { $0.contains(where: matching) }
        }

        @Test func previewsReachTheVisitorBeforeTheReplyAndNoOtherVisitor() async throws {
            try await FakeBotServer.with { server in
                server.setBehaviour(.stream, model: "streamer")
                server.holdStreamsBeforeDone()
                let environment = try ChannelWebhookTestEnvironment.make(replyWaitMilliseconds: 50)
                try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                    try await StreamingLLMBot.alongside(daemon, server: server, model: "streamer") { _ in
                        try await daemon.makeApplication(runningServices: true).test(.live) { client in
                            let port = try #require(client.port)
                            let conversation = TestStack.uniqueName("conv")
                            let visitor = try await stream(port, user: "u1", conversation: conversation, daemon: daemon)
                            defer { visitor.close() }
                            // Another visitor with the same conversation id (ids are the client's to choose).
                            let other = try await stream(port, user: "u2", conversation: conversation, daemon: daemon)
                            defer { other.close() }

                            // The relay starts at the end of the topic once its group has joined: previews put
                            // on the topic from then on arrive. Probe until one does.
                            let probe = ReplyDeltaTarget(
                                tenantId: "acme", conversationId: conversation, userId: "u1", inReplyTo: UUID(),
                                traceId: "probe")
                            try await withTimeout(.seconds(120), "the relay to follow the topic") {
                                var sequence = 0
                                while true {
                                    sequence += 1
                                    try await produce(
                                        ReplyDelta(target: probe, sequence: sequence, text: "probe"), daemon: daemon)
                                    if (try? await visitor.events(atLeast: 1, within: .seconds(3))) != nil { return }
                                }
                            }
                            let probeId = probe.inReplyTo.uuidString.lowercased()

                            let token = try await daemon.context.visitorTokens.issue(
                                tenantId: "acme", userId: "u1", conversationId: conversation, now: Date())
                            try await client.execute(
                                uri: "/api/v1/messages", method: .post,
                                headers: [
                                    .authorization: "Bearer \(key)", .contentType: "application/json",
                                    HTTPField.Name("X-Visitor-Token")!: token,
                                ],
                                body: ByteBuffer(
                                    string:
                                        #"{"conversation_id":"\#(conversation)","user_id":"u1","message":"hello there"}"#
                                )
                            ) { response in
                                #expect(response.status == .ok || response.status == .accepted)
                            }
                            let isPreview: @Sendable (EventStreamClient.Event) -> Bool = { event in
                                event.event == "reply_delta" && !event.data.contains(probeId)
                            }
                            // The model's stream is held before [DONE]: previews come, the reply cannot yet.
                            let early = try await events(of: visitor, "a preview", matching: isPreview)
                            #expect(!early.contains { $0.event == "message" })
                            server.releaseStreams()

                            let all = try await events(of: visitor, "the reply") { $0.event == "message" }
                            let reply = "Echo: hello there [0]"
                            let replyIndex = try #require(all.firstIndex { $0.event == "message" })
                            #expect(try json(all[replyIndex])["text"] as? String == reply)
                            let previews = all.filter(isPreview)
                            #expect(try #require(all.firstIndex(where: isPreview)) < replyIndex)
                            let bodies = try previews.map { try json($0) }
                            #expect(bodies.allSatisfy { reply.hasPrefix($0["text"] as? String ?? "-") })
                            #expect(bodies.allSatisfy { $0["conversation_id"] as? String == conversation })
                            let sequences = bodies.compactMap { $0["sequence"] as? Int }
                            #expect(sequences == sequences.sorted() && sequences.count == bodies.count)
                            #expect(previews.allSatisfy { $0.id == nil }, "previews do not move the resume point")

                            // The other visitor: a preview for them, on the same partition after all the
                            // others, is the first and only event they get.
                            let marker = ReplyDeltaTarget(
                                tenantId: "acme", conversationId: conversation, userId: "u2", inReplyTo: UUID(),
                                traceId: "marker")
                            try await produce(ReplyDelta(target: marker, sequence: 1, text: "marker"), daemon: daemon)
                            let theirs = try await other.events(atLeast: 1, within: .seconds(60))
                            #expect(theirs.count == 1)
                            #expect(try json(try #require(theirs.first))["text"] as? String == "marker")
                        }
                    }
                }
            }
        }
    }
}
