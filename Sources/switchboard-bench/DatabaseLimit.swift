import Logging

/// The database limit: the stage handlers' database writes driven without Kafka. A placeholder with the
/// agreed API until the real measurement lands (it replaces this file).
enum DatabaseLimit {
    struct Result {
        var messagesPerSecond: Double
        var seconds: Double
        var messages: Int
    }

    struct NotImplemented: Error, CustomStringConvertible {
        var description: String { "database limit not implemented yet" }
    }

    static func measure(
        environment: [String: String], messages: Int, customers: Int, logger: Logger
    ) async throws -> DatabaseLimit.Result {
        throw NotImplemented()
    }
}
