/// The one error the Mongo adapter throws.
///
/// Its `description` names the failure and the operation; it never carries the connection string, credentials
/// or document contents (the server's duplicate-key message quotes the key, so that part is cut off).
public struct MongoError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. A struct rather than an enum so that codes can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A unique index rejected a write (server code 11000). Stages rely on it for idempotency.
        public static let duplicateKey = Code("duplicateKey")
        /// No server could be selected or the connection broke.
        public static let connection = Code("connection")
        /// The server or the driver gave up waiting.
        public static let timeout = Code("timeout")
        /// The server rejected the credentials or the user may not do this.
        public static let authentication = Code("authentication")
        /// The server answered with an error not covered by a more specific code.
        public static let server = Code("server")
        /// A document could not be turned into BSON.
        public static let encoding = Code("encoding")
        /// A document read from the server does not fit the requested `Codable` type.
        public static let decoding = Code("decoding")
        /// The configuration, a name or a query was rejected before anything was sent.
        public static let invalidArgument = Code("invalidArgument")
        /// The client was shut down.
        public static let shutDown = Code("shutDown")
    }

    /// What kind of failure this is.
    public let code: Code
    /// The server's numeric error code (for example 11000), when the server produced the error.
    public let serverCode: Int?
    /// A short reason, free of credentials and document contents.
    public let reason: String
    /// Whether the same operation may succeed if tried again later (connection trouble, time-outs).
    public let isRetriable: Bool
    /// The adapter operation that failed, such as `insert(sessions)`.
    public internal(set) var operation: String
    /// Where the error was thrown.
    public let location: String

    init(
        code: Code,
        serverCode: Int? = nil,
        reason: String,
        isRetriable: Bool? = nil,
        operation: String = "",
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.serverCode = serverCode
        self.reason = reason
        self.isRetriable = isRetriable ?? [.connection, .timeout].contains(code)
        self.operation = operation
        self.location = "\(file):\(line)"
    }

    public var description: String {
        var text = "Mongo \(code)"
        if !operation.isEmpty { text += " in \(operation)" }
        text += ": \(reason)"
        if let serverCode { text += " (server code \(serverCode))" }
        if isRetriable { text += " [retriable]" }
        return text
    }

    /// The same error, attributed to `operation` unless it already names one.
    func thrown(in operation: String) -> MongoError {
        var copy = self
        if copy.operation.isEmpty { copy.operation = operation }
        return copy
    }
}
