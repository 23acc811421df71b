import Foundation
import Logging
import SwitchboardMongo
import SwitchboardTestSupport

/// Runs `body` against a fresh database on the test run's SecantusDB and drops it afterwards.
func withTestDatabase<R>(
    poolSize: Int = 4,
    _ body: (MongoClient) async throws -> R
) async throws -> R {
    let configuration = MongoConfiguration(
        uri: try TestStack.mongoURI,
        database: TestStack.uniqueName("mongotest"),
        maxPoolSize: poolSize)
    let client = try MongoClient(configuration: configuration, logger: Logger(label: "test.mongo"))
    do {
        let result = try await body(client)
        try await client.dropDatabase()
        return result
    } catch {
        try? await client.dropDatabase()
        throw error
    }
}

/// A document type with the shapes the pipeline stores: nesting, dates, optionals, enums, unicode.
struct Conversation: Codable, Sendable, Equatable {
    struct Participant: Codable, Sendable, Equatable {
        var name: String
        var handles: [String]
        var lastSeen: Date?
    }

    enum Channel: String, Codable, Sendable {
        case whatsapp, sms, email
    }

    var _id: String
    var channel: Channel
    var subject: String?
    var createdAt: Date
    var participants: [Participant]
    var tags: [String: Int]
    var sequence: Int64
    var score: Double
    var open: Bool
}

/// A small document for queries and counters.
struct Ticket: Codable, Sendable, Equatable {
    var _id: String
    var customer: String
    var priority: Int
    var status: String
    var attempts: Int?
}

/// A document without `_id`: the server adds one, and decoding must ignore it.
struct Note: Codable, Sendable, Equatable {
    var text: String
    var at: Date
}
