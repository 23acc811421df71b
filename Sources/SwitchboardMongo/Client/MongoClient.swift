public import Logging
import NIOPosix

/// A connection pool to one database, and the threads its blocking calls run on.
///
/// Every libmongoc round trip runs on a dedicated `NIOThreadPool` with `maxPoolSize` threads, never on Swift's
/// cooperative pool. There is nothing to close: the threads and connections go away with the last reference
/// to the client (collections keep their client alive).
///
/// ```swift
/// let mongo = try MongoClient(configuration: MongoConfiguration(), logger: logger)
/// let sessions = mongo.collection("sessions", as: Session.self)
/// try await sessions.insert(session)
/// ```
public final class MongoClient: Sendable {
    /// The validated configuration this client was made with.
    public let configuration: MongoConfiguration
    let logger: Logger
    private let pool: ClientPool
    private let threads: NIOThreadPool

    /// Validates the configuration and prepares the pool. Does not connect: the first operation (or
    /// ``ping()``) does, so a server that is not up yet is a retriable error there, not here.
    public init(configuration: MongoConfiguration, logger: Logger) throws(MongoError) {
        self.configuration = configuration
        self.pool = try ClientPool(configuration: configuration)
        var logger = logger
        logger[metadataKey: MongoLogKey.database] = "\(configuration.database)"
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: configuration.maxPoolSize)
        threads.start()
        logger.debug(
            "Mongo client ready",
            metadata: [
                MongoLogKey.server: "\(configuration.redactedURI)",
                MongoLogKey.poolSize: "\(configuration.maxPoolSize)",
            ])
    }

    deinit {
        // Not the blocking variant: the last reference may be dropped on any thread. Work still queued cannot
        // exist, since every pending call holds a reference to this client.
        threads.shutdownGracefully { _ in }
    }

    /// A typed view of a collection in the configured database.
    public func collection<T: Codable & Sendable>(_ name: String, as type: T.Type = T.self) -> MongoCollection<T> {
        MongoCollection(name: name, client: self)
    }

    /// Runs `body` with a pooled libmongoc client on the client's own threads.
    ///
    /// `operation` names the call in errors and logs, such as `insert(sessions)`.
    func run<R: Sendable>(
        _ operation: String,
        _ body: @escaping @Sendable (OpaquePointer) throws(MongoError) -> R
    ) async throws(MongoError) -> R {
        let pool = self.pool
        do {
            return try await threads.runIfActive { () throws(MongoError) -> R in
                try pool.withClient(body)
            }
        } catch let error as MongoError {
            let error = error.thrown(in: operation)
            logger.debug(
                "Mongo operation failed",
                metadata: [MongoLogKey.operation: "\(operation)", MongoLogKey.error: "\(error)"])
            throw error
        } catch {
            throw MongoError(code: .shutDown, reason: "the client's threads have stopped", operation: operation)
        }
    }
}

/// Log metadata keys of the Mongo adapter, defined once.
enum MongoLogKey {
    static let database = "mongo.database"
    static let server = "mongo.server"
    static let poolSize = "mongo.pool_size"
    static let operation = "mongo.operation"
    static let error = "mongo.error"
}
