import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The six daemons as real processes on the local broker and database.
@Suite("The six daemons end to end", .serialized)
struct PipelineTests {
    let logger = TestStack.logger("pipeline")

    struct MessageRow: Codable, Sendable {
        var _id: String
        var direction: String
        var session_id: String?
        var reply_to: String?
        var status: String
    }

    struct SessionRow: Codable, Sendable {
        var _id: String
        var status: String
    }

    func messages(_ daemons: DaemonProcesses) throws -> MongoCollection<MessageRow> {
        let client = try MongoClient(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database), logger: logger)
        return client.collection("messages")
    }

    @Test func aConversationGoesFromTheBotToAnAgentAndBack() async throws {
        // Long enough that the second session stays open from "hi again" until the agent claims it, when a
        // loaded two-core run takes seconds per round trip (with 4 s it expired in between once, and the
        // message meant for the agent opened a third session the bot answered); short enough to wait out.
        let daemons = try DaemonProcesses(
            idleTimeoutSeconds: 10,
            extra: ["SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS": "15000", "SWITCHBOARD_SESSION_SWEEP_MS": "300"])
        try await daemons.startAll()
        defer { daemons.signalAll() }
        try await daemons.waitUntilReady()
        let chat = WebChatClient(daemons: daemons, user: "alice")
        let rows = try messages(daemons)

        // A first message creates a profile and a session, and the bot answers.
        let first = try await chat.send("hello")
        #expect(first.status == 200 || first.status == 202)
        let conversation = first.conversationId
        #expect(!conversation.isEmpty)
        let greeting = try await chat.waitForMessage(in: conversation) { $0["direction"] as? String == "outbound" }
        #expect(greeting["sender"] as? String == "bot")
        let database = try await SwitchboardDatabase.connect(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database), logger: logger)
        #expect(try await database.profiles.count(tenantId: "demo") == 1)
        let firstSession = try #require(try await rows.findOne(["_id": .string(first.messageId)])?.session_id)

        // Warm now: the reply comes back in the response itself.
        let hours = try await chat.send("what are your opening hours", conversation: conversation)
        #expect(hours.status == 200)
        #expect(hours.replySender == "bot")
        #expect(hours.replyText?.contains("open") == true)

        // After the idle timeout (the sweeper has expired the session) the next message opens a new session.
        let client = try MongoClient(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database), logger: logger)
        let sessions = client.collection("sessions", as: SessionRow.self)
        try await waitUntil("the first session to expire", poll: .milliseconds(200)) {
            try await sessions.findOne(["_id": .string(firstSession)])?.status == "expired"
        }
        let later = try await chat.send("hi again", conversation: conversation)
        #expect(later.status == 200)
        let secondSession = try #require(try await rows.findOne(["_id": .string(later.messageId)])?.session_id)
        #expect(secondSession != firstSession)

        // Asking for a person hands over: the system says so, and the next message reaches the agent, not the bot.
        let ask = try await chat.send("I want to talk to a human", conversation: conversation)
        #expect(ask.replySender == "system")
        let waiting = try await chat.agent("GET", "/handovers?status=waiting")
        #expect(waiting.status == 200)
        let handovers = waiting.json["handovers"] as? [[String: Any]] ?? []
        let handover = try #require(handovers.first { $0["session_id"] as? String == secondSession })
        let handoverId = try #require(handover["id"] as? String)

        let forAgent = try await chat.send("my parcel arrived broken", conversation: conversation)
        #expect(forAgent.status == 202, "no bot reply while a human owns the session")
        let claim = try await chat.agent("POST", "/handovers/\(handoverId)/claim", ["agent_id": "ann"])
        #expect(claim.status == 200)
        let agentView = try await chat.agent("GET", "/handovers/\(handoverId)/messages")
        let agentTexts = (agentView.json["messages"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(agentTexts.contains("my parcel arrived broken"))
        let reply = try await chat.agent(
            "POST", "/handovers/\(handoverId)/reply", ["agent_id": "ann", "text": "Sorry! I will send a new one."])
        #expect(reply.status == 202)
        let fromAnn = try await chat.waitForMessage(in: conversation) {
            $0["text"] as? String == "Sorry! I will send a new one."
        }
        #expect(fromAnn["sender"] as? String == "agent")

        // Resolving hands the session back to the bot.
        let resolve = try await chat.agent("POST", "/handovers/\(handoverId)/resolve", ["agent_id": "ann"])
        #expect(resolve.status == 200)
        let thanks = try await chat.send("thank you", conversation: conversation)
        #expect(thanks.status == 200)
        #expect(thanks.replySender == "bot")

        // The same request twice (same client message id): one stored message, one reply.
        let once = try await chat.send(
            "where is my order AB123456", conversation: conversation, clientMessageId: "c-42")
        let twice = try await chat.send(
            "where is my order AB123456", conversation: conversation, clientMessageId: "c-42")
        #expect(once.messageId == twice.messageId)
        #expect(twice.status == 200)
        #expect(twice.replyText == once.replyText)
        // A later message of the same customer goes through the same partitions after any second copy: once its
        // reply is stored, a duplicate of the first would be stored too.
        let marker = try await chat.send("thanks again", conversation: conversation)
        try await waitUntil("the reply to a later message to be stored", poll: .milliseconds(200)) {
            try await rows.count(["reply_to": .string(marker.messageId)]) == 1
        }
        #expect(try await rows.count(["_id": .string(once.messageId)]) == 1)
        #expect(try await rows.count(["reply_to": .string(once.messageId)]) == 1)

        // Every running daemon is live, ready, and counts what it handled in Prometheus' text format.
        for name in DaemonProcesses.names {
            #expect(try await HTTP.get(daemons.url(name, "/health/live")).status == 200, "\(name) live")
            #expect(try await HTTP.get(daemons.url(name, "/health/ready")).status == 200, "\(name) ready")
        }
        let metrics = try await HTTP.get(daemons.url("session", "/metrics")).text
        #expect(metrics.contains(#"switchboard_records_in_total{stage="session"}"#))
        #expect(metrics.contains("switchboard_processing_seconds_bucket"))
        let webhookMetrics = try await HTTP.get(daemons.url("channel-webhook", "/metrics")).text
        #expect(webhookMetrics.contains("switchboard_http_responses_total"))
        try? await database.client.dropDatabase()
    }

    @Test func killingTheSessionDaemonMidStreamLosesAndDuplicatesNothing() async throws {
        let daemons = try DaemonProcesses(idleTimeoutSeconds: 1200)
        try await daemons.startAll()
        defer { daemons.signalAll() }
        try await daemons.waitUntilReady()
        let rows = try messages(daemons)
        let topics = TopicNames(prefix: daemons.prefix + ".")

        let producer = try KafkaProducer(configuration: try TestStack.kafkaConfiguration(), logger: logger)
        let generator = UUIDv7Generator()
        var records: [KafkaOutgoingRecord] = []
        for index in 0..<1000 {
            let user = "load-\(index % 50)"
            var envelope = Envelope(
                id: generator.next(), tenantId: "demo", channel: .webchat, direction: .inbound,
                channelMessageId: "m-\(index)", externalId: user, content: .text("hello"), receivedAt: Date(),
                traceId: "load-\(index)")
            envelope.conversationId = "conversation-\(user)"
            records.append(
                KafkaOutgoingRecord(
                    topic: topics.inbound, key: envelope.partitionKey.bytes,
                    value: try EnvelopeCodec().encode(envelope),
                    headers: [KafkaHeader(name: EnvelopeHeaders.traceId, text: envelope.traceId)]))
        }
        // The first half now; the second while the session daemon is down, so the kill is always mid-stream
        // however fast the stages are.
        try await producer.send(Array(records.prefix(500)))

        // Kill the session daemon once part of the stream is stored, then start it again.
        try await withTimeout(.seconds(120), "the session daemon to store some messages") {
            while try await rows.count(["direction": "inbound"]) < 60 { try await Task.sleep(for: .milliseconds(20)) }
        }
        await daemons.stop("session", signal: SIGKILL)
        try await producer.send(Array(records.suffix(500)))
        try daemons.start("session")

        try await withTimeout(.seconds(240), "every message and reply to be stored") {
            while true {
                let inbound = try await rows.count(["direction": "inbound"])
                let outbound = try await rows.count(["direction": "outbound"])
                if inbound >= 1000 && outbound >= 1000 { break }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        // Every stage's group committed to the end of its topic, upstream first: anything the killed daemon
        // handled again has been handled, and a duplicate would be stored by now.
        try await KafkaGroupProgress.waitUntilCaughtUp(
            PipelineStages.groups(topics), configuration: try TestStack.kafkaConfiguration(), logger: logger,
            timeout: .seconds(120))
        let all = try await rows.find()
        let inbound = all.filter { $0.direction == "inbound" }
        let outbound = all.filter { $0.direction == "outbound" }
        #expect(inbound.count == 1000)
        #expect(outbound.count == 1000)
        #expect(Set(outbound.compactMap(\.reply_to)) == Set(inbound.map(\._id)), "every message answered exactly once")
        await producer.shutdown()
        let client = try MongoClient(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database), logger: logger)
        try? await client.dropDatabase()
    }
}
