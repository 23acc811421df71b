import Foundation

/// How to reach the database. Environment variables override the defaults; validated once, when a
/// ``MongoClient`` is created.
public struct MongoConfiguration: Sendable {
    /// The connection string. Default `mongodb://127.0.0.1:27017`; environment `SWITCHBOARD_MONGO_URI`.
    /// It may carry credentials and driver options; it is never logged or put into an error (see `redactedURI`).
    public var uri: String
    /// The database every collection of the client lives in. Default `switchboard`;
    /// environment `SWITCHBOARD_MONGO_DATABASE`.
    public var database: String
    /// The most connections, and the most concurrent blocking calls, the client uses. Default 16;
    /// environment `SWITCHBOARD_MONGO_POOL_SIZE`.
    public var maxPoolSize: Int
    /// How long an operation waits for a usable server before it fails with a retriable error. Default 5 s.
    /// Put into the connection string as `serverSelectionTimeoutMS` unless the string already sets it.
    public var serverSelectionTimeout: Duration

    /// The connection string used when none is configured.
    public static let defaultURI = "mongodb://127.0.0.1:27017"

    public init(
        uri: String = MongoConfiguration.defaultURI,
        database: String = "switchboard",
        maxPoolSize: Int = 16,
        serverSelectionTimeout: Duration = .seconds(5)
    ) {
        self.uri = uri
        self.database = database
        self.maxPoolSize = maxPoolSize
        self.serverSelectionTimeout = serverSelectionTimeout
    }

    /// The defaults, overridden by `SWITCHBOARD_MONGO_URI`, `SWITCHBOARD_MONGO_DATABASE` and
    /// `SWITCHBOARD_MONGO_POOL_SIZE` where set (pass `ProcessInfo.processInfo.environment`).
    /// Throws when the pool size is not a number.
    public init(environment: [String: String]) throws(MongoError) {
        self.init(uri: Self.defaultURI)
        if let uri = environment["SWITCHBOARD_MONGO_URI"], !uri.isEmpty { self.uri = uri }
        if let database = environment["SWITCHBOARD_MONGO_DATABASE"], !database.isEmpty { self.database = database }
        if let text = environment["SWITCHBOARD_MONGO_POOL_SIZE"], !text.isEmpty {
            guard let size = Int(text) else {
                throw MongoError(code: .invalidArgument, reason: "SWITCHBOARD_MONGO_POOL_SIZE is not a whole number")
            }
            self.maxPoolSize = size
        }
    }

    /// Checks every field, including that libmongoc accepts the connection string.
    public func validate() throws(MongoError) {
        try Self.validateDatabaseName(database)
        guard (1...1000).contains(maxPoolSize) else {
            throw MongoError(code: .invalidArgument, reason: "maxPoolSize must be between 1 and 1000")
        }
        guard serverSelectionTimeout > .zero else {
            throw MongoError(code: .invalidArgument, reason: "serverSelectionTimeout must be positive")
        }
        try withParsedURI { _ in }
    }

    /// The connection string with any user name and password replaced, for logs.
    public var redactedURI: String {
        guard let scheme = uri.range(of: "://") else { return "<unparseable connection string>" }
        let rest = uri[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return uri }
        return String(uri[..<scheme.upperBound]) + "<credentials>" + String(rest[at...])
    }

    var serverSelectionTimeoutMilliseconds: Int32 {
        let (seconds, attoseconds) = serverSelectionTimeout.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(1, milliseconds))
    }

    static func validateDatabaseName(_ name: String) throws(MongoError) {
        let forbidden: Set<Character> = ["/", "\\", ".", " ", "\"", "$", "\0"]
        guard !name.isEmpty, name.utf8.count < 64, !name.contains(where: forbidden.contains) else {
            throw MongoError(
                code: .invalidArgument,
                reason: "database name must be 1-63 bytes without / \\ . space \" $ or NUL")
        }
    }
}
