/// Why bytes could not be decoded into an ``Envelope``. The description names the field and the
/// problem, never the message content, so it is safe for logs and dead-letter records.
public struct EnvelopeDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Hashable {
        /// The bytes are not valid JSON (or not UTF-8).
        case notJSON
        /// The JSON is valid but not an object.
        case notAnObject
        /// A required field is missing (dotted path, e.g. `content.text`).
        case missingField(String)
        /// A field has the wrong type or an invalid value.
        case invalidField(String, String)
        /// The envelope's version is newer than this stage understands.
        case unsupportedVersion(Int)
    }

    /// What was wrong.
    public var reason: Reason

    /// Creates an error.
    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .notJSON: "envelope is not valid JSON"
        case .notAnObject: "envelope is not a JSON object"
        case .missingField(let field): "envelope field '\(field)' is missing"
        case .invalidField(let field, let problem): "envelope field '\(field)' is invalid: \(problem)"
        case .unsupportedVersion(let version):
            "envelope version \(version) is not supported (this stage understands up to \(Envelope.currentVersion))"
        }
    }

    /// Maps a Foundation decoding error to a reason with the field path.
    static func from(_ error: any Error) -> EnvelopeDecodingError {
        if let own = error as? EnvelopeDecodingError { return own }
        guard let decodingError = error as? DecodingError else { return EnvelopeDecodingError(.notJSON) }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return EnvelopeDecodingError(.missingField(path(context.codingPath + [key])))
        case .valueNotFound(_, let context):
            return EnvelopeDecodingError(.invalidField(path(context.codingPath), "is null"))
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return EnvelopeDecodingError(.notAnObject) }
            return EnvelopeDecodingError(.invalidField(path(context.codingPath), "expected \(typeName(type))"))
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return EnvelopeDecodingError(.notJSON) }
            return EnvelopeDecodingError(.invalidField(path(context.codingPath), context.debugDescription))
        @unknown default:
            return EnvelopeDecodingError(.notJSON)
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        describeCodingPath(keys)
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "a value of type \(type)"
        }
    }
}
