internal import CMongoc

extension MongoError {
    /// Server codes that mean "the same write would collide with an existing key".
    private static let duplicateKeyCodes: Set<Int> = [11000, 11001, 12582]
    /// Server codes for network trouble, fail-over and shutdown: the same request may succeed later.
    private static let retriableServerCodes: Set<Int> = [
        6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
    ]
    private static let authenticationCodes: Set<Int> = [13, 18]

    /// Whether a server error code means a duplicate key.
    static func isDuplicateKey(code: Int?) -> Bool {
        code.map(duplicateKeyCodes.contains) ?? false
    }

    /// Every libmongoc `bson_error_t` becomes a `MongoError` here, and only here.
    ///
    /// `reply` is the server reply of a write, whose `writeErrors` carry duplicate keys of bulk writes.
    static func from(_ error: bson_error_t, reply: MongoDocument? = nil) -> MongoError {
        let domain = error.domain
        let code = Int(error.code)
        let reason = sanitized(message(of: error))
        let writeErrorCodes = (reply?["writeErrors"]?.arrayValue ?? []).compactMap {
            $0.documentValue?["code"]?.intValue
        }
        if duplicateKeyCodes.contains(code) || writeErrorCodes.contains(where: duplicateKeyCodes.contains) {
            return MongoError(code: .duplicateKey, serverCode: 11000, reason: reason)
        }
        switch domain {
        case MONGOC_ERROR_SERVER_SELECTION.rawValue, MONGOC_ERROR_STREAM.rawValue:
            let isTimeout = reason.contains("timed out") || reason.contains("expired")
            return MongoError(code: isTimeout ? .timeout : .connection, reason: reason, isRetriable: true)
        case MONGOC_ERROR_SASL.rawValue, MONGOC_ERROR_SCRAM.rawValue:
            return MongoError(code: .authentication, reason: reason)
        case MONGOC_ERROR_CLIENT.rawValue where code == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue:
            return MongoError(code: .authentication, reason: reason)
        case MONGOC_ERROR_BSON.rawValue:
            return MongoError(code: .encoding, reason: reason)
        case MONGOC_ERROR_NAMESPACE.rawValue:
            return MongoError(code: .invalidArgument, reason: reason)
        case MONGOC_ERROR_COMMAND.rawValue where code == MONGOC_ERROR_COMMAND_INVALID_ARG.rawValue:
            return MongoError(code: .invalidArgument, reason: reason)
        case MONGOC_ERROR_SERVER.rawValue, MONGOC_ERROR_WRITE_CONCERN.rawValue, MONGOC_ERROR_QUERY.rawValue,
            MONGOC_ERROR_COMMAND.rawValue, MONGOC_ERROR_COLLECTION.rawValue:
            if code == MONGOC_ERROR_MAX_TIME_MS_EXPIRED.rawValue || code == 262 {
                return MongoError(code: .timeout, serverCode: code, reason: reason, isRetriable: true)
            }
            if authenticationCodes.contains(code) {
                return MongoError(code: .authentication, serverCode: code, reason: reason)
            }
            return MongoError(
                code: .server, serverCode: code, reason: reason, isRetriable: retriableServerCodes.contains(code))
        default:
            return MongoError(code: .server, reason: reason)
        }
    }

    private static func message(of error: bson_error_t) -> String {
        withUnsafeBytes(of: error.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Cuts what may quote document contents (`dup key: { ... }`) and keeps the reason short.
    private static func sanitized(_ message: String) -> String {
        var text = message
        if let range = text.range(of: " dup key") { text = String(text[..<range.lowerBound]) }
        if text.count > 240 { text = String(text.prefix(240)) + "…" }
        return text.isEmpty ? "no reason given" : text
    }
}
