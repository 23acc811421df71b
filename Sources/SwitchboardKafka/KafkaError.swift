/// The one error the Kafka adapter throws.
///
/// Its `description` names the failure and where it happened; it never carries message bodies or credentials.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. A struct rather than an enum so that codes can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The configuration was rejected (by validation or by librdkafka).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The librdkafka loaded at run time is too old to use.
        public static let unsupportedLibrary = Code("unsupportedLibrary")
        /// The broker could not be reached or the connection broke.
        public static let transport = Code("transport")
        /// An operation did not finish in its time limit (e.g. a message was not delivered in `message.timeout.ms`).
        public static let timedOut = Code("timedOut")
        /// librdkafka's local queue is full; try again shortly.
        public static let queueFull = Code("queueFull")
        /// The topic or partition does not exist.
        public static let unknownTopic = Code("unknownTopic")
        /// The topic already exists (from topic creation).
        public static let topicAlreadyExists = Code("topicAlreadyExists")
        /// The broker answered with an error not covered by a more specific code.
        public static let broker = Code("broker")
        /// A fatal client error (e.g. the idempotent producer lost its guarantees); the client must be recreated.
        public static let fatal = Code("fatal")
        /// The broker or client refused this one record for good (too large, not authorized, invalid): producing
        /// it again cannot succeed.
        public static let recordRejected = Code("recordRejected")
        /// The client was already shut down.
        public static let shutDown = Code("shutDown")
    }

    /// What kind of failure this is.
    public let code: Code
    /// librdkafka's own error code, when the failure came from librdkafka.
    public let underlyingCode: Int32?
    /// A short human-readable reason.
    public let reason: String
    /// Whether the same operation may succeed if tried again later.
    public let isRetriable: Bool
    /// Where the error was thrown.
    public let location: String

    /// An error of `code` (adapters map librdkafka's codes; fakes in tests build their own).
    public init(
        code: Code,
        underlyingCode: Int32? = nil,
        reason: String,
        isRetriable: Bool,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.underlyingCode = underlyingCode
        self.reason = reason
        self.isRetriable = isRetriable
        self.location = "\(file):\(line)"
    }

    public var description: String {
        var text = "Kafka \(code): \(reason)"
        if let underlyingCode { text += " (librdkafka code \(underlyingCode))" }
        if isRetriable { text += " [retriable]" }
        return text
    }
}
