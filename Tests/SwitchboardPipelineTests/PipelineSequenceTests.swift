import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardTestSupport
import Testing

/// Several messages per customer through the six daemons, across a session timeout: numbers and sessions.
@Suite("Sessions and sequence numbers end to end", .serialized)
struct PipelineSequenceTests {
    let logger = TestStack.logger("pipeline-sequence")

    struct Row: Codable, Sendable {
        var _id: String
        var direction: String
        var customer_id: String?
        var session_id: String?
        var sequence: Int64?
        var external_id: String
    }

    struct SessionRow: Codable, Sendable {
        var _id: String
        var customer_id: String
        var status: String
    }

    @Test func eachCustomersMessagesAreNumberedInOrderAndANewSessionStartsAfterTheTimeout() async throws {
        // The idle timeout must exceed the time the test takes to send one customer's four messages, which a
        // loaded two-core CI machine has stretched past 3 s; the sweep is quick, so the wait after them is short.
        let daemons = try DaemonProcesses(
            idleTimeoutSeconds: 10,
            extra: ["SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS": "0", "SWITCHBOARD_SESSION_SWEEP_MS": "300"])
        try await daemons.startAll()
        defer { daemons.signalAll() }
        try await daemons.waitUntilReady()
        let client = try MongoClient(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database), logger: logger)
        let messages = client.collection("messages", as: Row.self)
        let sessions = client.collection("sessions", as: SessionRow.self)
        let users = ["ann", "bob", "cid"]
        // A reply on `outbound` means its message was stored and numbered (the session stage stores before it
        // produces); a `session_expired` event is produced by the sweeper as it expires a session.
        let topics = TopicNames(prefix: daemons.prefix + ".")
        let kafka = try TestStack.kafkaConfiguration()
        let replies = try KafkaConsumer(
            configuration: kafka, groupID: TestStack.uniqueName("replies"), topics: [topics.outbound], logger: logger)
        let events = try KafkaConsumer(
            configuration: kafka, groupID: TestStack.uniqueName("events"), topics: [topics.events], logger: logger)
        defer {
            Task {
                await replies.close()
                await events.close()
            }
        }

        // Each customer writes four messages one after another; the customers at the same time. Each keeps its
        // client, which holds the conversation's visitor token from the first answer on.
        let chats = Dictionary(uniqueKeysWithValues: users.map { ($0, WebChatClient(daemons: daemons, user: $0)) })
        func burst(_ texts: [String]) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for user in users {
                    let chat = chats[user]!
                    group.addTask {
                        for text in texts {
                            let sent = try await chat.send(text, conversation: "conversation-\(user)")
                            #expect(sent.status == 202 || sent.status == 200)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        func inbound() async throws -> [String: [Row]] {
            Dictionary(grouping: try await messages.find(["direction": "inbound"]), by: \.external_id)
        }

        // Questions the demo bot answers, so every message gets a reply and no hand-over changes the route.
        let hello = "hello"
        let hours = "what are your opening hours"
        try await burst([hello, hours, hello, hours])
        _ = try await replies.collect(12, within: .seconds(90))
        var first: [String: String] = [:]
        for (user, rows) in try await inbound() {
            #expect(rows.count == 4)
            #expect(rows.map(\.sequence).sorted { ($0 ?? -1) < ($1 ?? -1) } == [0, 1, 2, 3], "\(user)")
            #expect(Set(rows.map(\.session_id)).count == 1, "\(user): one session")
            first[user] = rows.first?.session_id
        }
        #expect(first.count == 3)

        // The sweeper expires the three sessions once they have been idle for the timeout.
        try await withTimeout(.seconds(60), "three session_expired events") {
            var expired: Set<String> = []
            while expired.count < 3, let batch = try await events.nextBatch() {
                for record in batch {
                    let event = try SwitchboardJSON.makeDecoder().decode(
                        SwitchboardEvent.self, from: Data(record.value))
                    if event.type == .sessionExpired, let session = event.sessionId { expired.insert(session) }
                }
            }
        }
        try await burst([hours, hello])
        _ = try await replies.collect(6, within: .seconds(90))
        for (user, rows) in try await inbound() {
            let later = rows.filter { $0.session_id != first[user] }
            #expect(later.count == 2, "\(user): two messages in a new session")
            #expect(Set(later.map(\.session_id)).count == 1)
            #expect(later.map(\.sequence).sorted { ($0 ?? -1) < ($1 ?? -1) } == [0, 1], "\(user)")
        }
        #expect(try await sessions.count(["status": "open"]) == 3)
        #expect(try await sessions.count(["status": "expired"]) == 3)
    }
}
