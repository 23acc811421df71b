import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The right of access and the right to erasure, on what the six daemons stored.
@Suite("Customer export and erasure against the six daemons", .serialized)
struct PrivacyPipelineTests {
    let logger = TestStack.logger("privacy-pipeline")

    struct Row: Codable, Sendable {
        var _id: String
        var customer_id: String?
        var direction: String
    }

    /// JSON text with sorted keys, so equal documents compare equal.
    static func canonical(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Every collection of the database with every document as canonical JSON text.
    func everything(_ client: MongoClient) async throws -> [String: [String]] {
        let listed = try await client.runCommand(["listCollections": 1, "nameOnly": true])
        guard case .document(let cursor)? = listed["cursor"], case .array(let batch)? = cursor["firstBatch"] else {
            Issue.record("listCollections answered \(listed)")
            return [:]
        }
        var all: [String: [String]] = [:]
        for case .document(let entry) in batch {
            guard case .string(let name)? = entry["name"] else { continue }
            let documents = try await client.collection(name, as: JSONValue.self).find([:])
            all[name] = try documents.map(Self.canonical)
        }
        return all
    }

    @Test func theExportHoldsEverythingStoredAndAfterTheErasureNothingIsFindable() async throws {
        let daemons = try DaemonProcesses(idleTimeoutSeconds: 600)
        try await daemons.startAll()
        defer { daemons.signalAll() }
        try await daemons.waitUntilReady()
        let client = try MongoClient(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database), logger: logger)
        let database = SwitchboardDatabase(client: client)
        let messages = client.collection("messages", as: Row.self)
        let topics = TopicNames(prefix: daemons.prefix + ".")
        let kafka = try TestStack.kafkaConfiguration()

        // Ann talks to the bot and asks for a person; Bob only says hello.
        let ann = WebChatClient(daemons: daemons, user: "ann-erased")
        let bob = WebChatClient(daemons: daemons, user: "bob-kept")
        let hello = try await ann.send("hello")
        let conversation = hello.conversationId
        _ = try await ann.send("what are your opening hours", conversation: conversation)
        _ = try await ann.send("I want to talk to a human", conversation: conversation)
        let bobHello = try await bob.send("hello")
        for chat in [(ann, conversation), (bob, bobHello.conversationId)] {
            _ = try await chat.0.waitForMessage(in: chat.1) { $0["direction"] as? String == "outbound" }
        }
        _ = try await ann.waitForMessage(in: conversation) { $0["sender"] as? String == "system" }
        let annId = try #require(try await messages.findOne(["_id": .string(hello.messageId)])?.customer_id)
        let bobId = try #require(try await messages.findOne(["_id": .string(bobHello.messageId)])?.customer_id)
        // Everything the daemons do with these messages is done: every stage, then the analytics consumer in
        // human-handover, has committed to the end of its topics. Otherwise a late analytics write lands between
        // the export and the listing below.
        let analytics = [topics.sessioned, topics.outbound, topics.events].map {
            KafkaGroupProgress.Stage(group: topics.prefix + AnalyticsConsumer.group, topic: $0)
        }
        try await KafkaGroupProgress.waitUntilCaughtUp(
            PipelineStages.groups(topics) + analytics, configuration: kafka, logger: logger, timeout: .seconds(120))

        // The export holds exactly what each collection stores about Ann, and nothing of Bob.
        let privacy = CustomerPrivacy(database: database)
        let export = try await privacy.export(tenantId: "demo", customerId: annId)
        let stored = try await everything(client)
        // Hers: what names her id or address, or one of her sessions (a session's owner names only the session).
        struct SessionRow: Codable, Sendable { var _id: String }
        let sessions = try await client.collection("sessions", as: SessionRow.self)
            .find(["customer_id": .string(annId)]).map(\._id)
        #expect(!sessions.isEmpty)
        func isHers(_ document: String) -> Bool {
            document.contains(annId) || document.contains("ann-erased") || sessions.contains { document.contains($0) }
        }
        for name in CustomerPrivacy.collections {
            let exported = Set(try (export.collections[name] ?? []).map(Self.canonical))
            let hers = Set((stored[name] ?? []).filter(isHers))
            #expect(exported == hers, "\(name): the export holds the customer's documents, all of them")
        }
        #expect(export.collections["profiles"]?.count == 1)
        #expect(export.collections["handovers"]?.count == 1)
        #expect((export.collections["messages"]?.count ?? 0) >= 6, "three messages and their answers")
        let text = String(decoding: try JSONEncoder().encode(export), as: UTF8.self)
        #expect(!text.contains(bobId))
        let decoded = try JSONDecoder().decode(CustomerPrivacy.Export.self, from: Data(text.utf8))
        #expect(decoded == export, "the export's JSON reads back as the same export")

        // The erasure: every collection of the database is listed, and none holds anything of Ann after it.
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let events = try KafkaConsumer(
            configuration: kafka, groupID: TestStack.uniqueName("tombstones"), topics: [topics.events], logger: logger)
        defer { Task { await events.close() } }
        let erased = try await privacy.erase(
            tenantId: "demo", customerId: annId, kafka: kafka, producer: producer, topics: topics, logger: logger)
        await producer.shutdown()
        #expect(erased.inFlightDrained)
        #expect(erased.total == export.documentCount)
        let after = try await everything(client)
        for (name, documents) in after {
            #expect(
                CustomerPrivacy.collections.contains(name) || CustomerPrivacy.otherCollections.contains(name),
                "\(name) is a collection the erasure knows")
            // The erasure's own record names the erased id (so the stages drop what is in flight), no address.
            guard name != "erasures" else {
                #expect(documents.count == 1)
                #expect(!documents.contains { $0.contains("ann-erased") })
                continue
            }
            let left = documents.filter(isHers)
            #expect(left.isEmpty, "\(name) still holds \(left.count) documents about the erased customer")
        }
        #expect(after["profiles"]?.contains { $0.contains(bobId) } == true, "other customers are untouched")
        try await withTimeout(.seconds(60), "the customer_erased event") {
            while let batch = try await events.nextBatch() {
                let found = try batch.map {
                    try SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data($0.value))
                }.first { $0.type == .customerErased && $0.customerId == annId }
                if found != nil { return }
            }
        }

        // Ann writes again from the same address: a new profile with a new id and no history; the bot answers.
        let again = WebChatClient(daemons: daemons, user: "ann-erased")
        let back = try await again.send("hello")
        _ = try await again.waitForMessage(in: back.conversationId) { $0["direction"] as? String == "outbound" }
        let newId = try #require(try await messages.findOne(["_id": .string(back.messageId)])?.customer_id)
        #expect(newId != annId)
        #expect(try await database.profiles.profile(id: newId) != nil)
        #expect(try await messages.count(["customer_id": .string(annId)]) == 0)
    }
}
