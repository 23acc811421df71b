import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardTestSupport
import Testing

/// Reply previews in the running pipeline: nlp-plugin streams the model's answer and puts previews on
/// `reply-deltas`, channel-webhook pushes them to the visitor's reply stream, then the reply comes as always.
@Suite("Reply previews end to end", .serialized)
struct ReplyPreviewPipelineTests {
    @Test func aWebChatVisitorSeesTheReplyBeingWrittenThenTheReply() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.stream, model: "streamer")
            let tenants = ["llm-shop"]
            var extra = TenantChat.keys(tenants)
            extra["SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS"] = "15000"
            let daemons = try DaemonProcesses(
                idleTimeoutSeconds: 1200, extra: extra, moreTenants: tenants,
                tenantSettings: [
                    "llm-shop": """
                        bot:
                          engine: llm
                          timeout_ms: 60000
                          llm:
                            url: \(server.baseURL)/v1
                            model: streamer

                    """
                ])
            try await daemons.startAll()
            defer { daemons.signalAll() }
            try await daemons.waitUntilReady()

            // The first message opens the conversation and brings its visitor token (its reply streams too).
            let chat = TenantChat(daemons: daemons, tenant: "llm-shop", user: "dan")
            let (first, token) = try await chat.send("hello")
            #expect(first.replyText == "Echo: hello [0]")
            let conversation = first.conversationId
            let visitorToken = try #require(token)
            let url = try #require(
                URL(
                    string: daemons.url(
                        "channel-webhook", "/api/v1/user/dan/messages/\(conversation)/stream"
                    ).absoluteString + "?api_key=\(chat.apiKey)&visitor_token=\(visitorToken)"))
            let stream = EventStreamClient(url: url)
            defer { stream.close() }
            #expect(try await stream.connected(within: .seconds(30)) == 200)

            // channel-webhook reads previews from the end of the topic once its group has joined: probe until
            // one put there arrives.
            let producer = try KafkaProducer(
                configuration: try TestStack.kafkaConfiguration(), logger: TestStack.logger("previews"))
            let probe = ReplyDeltaTarget(
                tenantId: "llm-shop", conversationId: conversation, userId: "dan", inReplyTo: UUID(), traceId: "probe")
            try await withTimeout(.seconds(120), "channel-webhook to relay previews") {
                var sequence = 0
                while true {
                    sequence += 1
                    let delta = ReplyDelta(target: probe, sequence: sequence, text: "probe")
                    try await producer.send(
                        KafkaOutgoingRecord(
                            topic: daemons.prefix + ".reply-deltas", key: delta.partitionKey,
                            value: Array(try SwitchboardJSON.makeEncoder().encode(delta))))
                    if (try? await stream.events(atLeast: 1, within: .seconds(3))) != nil { return }
                }
            }
            let probeId = probe.inReplyTo.uuidString.lowercased()

            let reply = "Echo: do you sell red shoes? [2]"
            // The first reply may come on the stream too (it starts a little before now): only this one counts.
            let isReply: @Sendable (EventStreamClient.Event) -> Bool = {
                $0.event == "message" && $0.data.contains(reply)
            }

            // The model's stream is held before [DONE]: its previews arrive while the reply cannot exist yet.
            server.holdStreamsBeforeDone()
            let (answer, _) = try await withThrowingTaskGroup(of: (TenantChat.Answer, String?).self) { group in
                group.addTask {
                    try await chat.send("do you sell red shoes?", conversation: conversation, token: visitorToken)
                }
                _ = try await stream.events("a preview", within: .seconds(120)) { events in
                    events.contains { $0.event == "reply_delta" && !$0.data.contains(probeId) }
                }
                #expect(!stream.events.contains(where: isReply))
                server.releaseStreams()
                return try #require(try await group.next())
            }
            #expect(answer.replyText == reply)

            let events = try await stream.events("the reply on the stream", within: .seconds(120)) {
                $0.contains(where: isReply)
            }
            let previews = events.filter { $0.event == "reply_delta" && !$0.data.contains(probeId) }
            let texts = try previews.map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.data.utf8)) as? [String: Any])["text"]
                    as? String ?? ""
            }
            #expect(!texts.isEmpty && texts.allSatisfy { !$0.isEmpty && reply.hasPrefix($0) })
            #expect(
                try #require(events.firstIndex { $0.event == "reply_delta" && !$0.data.contains(probeId) })
                    < (events.firstIndex(where: isReply) ?? 0))

            // Counted where they are sent and where they are streamed.
            let sent = try await HTTP.get(daemons.url("nlp-plugin", "/metrics")).text
            #expect(
                (BotEnginePipelineTests().value(in: sent, #"switchboard_reply_previews_total{outcome="sent"}"#) ?? 0)
                    >= Double(previews.count))
            let streamed = try await HTTP.get(daemons.url("channel-webhook", "/metrics")).text
            #expect(
                (BotEnginePipelineTests().value(
                    in: streamed, #"switchboard_webchat_reply_previews_total{outcome="streamed"}"#) ?? 0)
                    >= Double(previews.count))
            await producer.shutdown()
            await daemons.stopAll()
            let client = try MongoClient(
                configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database),
                logger: TestStack.logger("previews"))
            try? await client.dropDatabase()
        }
    }
}
