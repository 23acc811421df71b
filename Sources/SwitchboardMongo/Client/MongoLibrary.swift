internal import CMongoc
import Logging

/// Process-wide libmongoc set-up: `mongoc_init` exactly once, and its log lines routed into swift-log
/// (by default libmongoc prints them to stderr).
enum MongoLibrary {
    private static let initialized: Bool = {
        mongoc_log_set_handler(forwardLog, nil)
        mongoc_init()
        return true
    }()

    /// libmongoc's log handler is global, so its lines go to this one logger rather than a client's.
    static let logger = Logger(label: "switchboard.mongo.libmongoc")

    static func initialize() { _ = initialized }
}

private func forwardLog(
    level: mongoc_log_level_t,
    domain: UnsafePointer<CChar>?,
    message: UnsafePointer<CChar>?,
    userData: UnsafeMutableRawPointer?
) {
    let swiftLevel: Logger.Level =
        switch level {
        case MONGOC_LOG_LEVEL_ERROR, MONGOC_LOG_LEVEL_CRITICAL: .error
        case MONGOC_LOG_LEVEL_WARNING: .warning
        case MONGOC_LOG_LEVEL_MESSAGE, MONGOC_LOG_LEVEL_INFO: .info
        case MONGOC_LOG_LEVEL_DEBUG: .debug
        default: .trace
        }
    guard MongoLibrary.logger.logLevel <= swiftLevel, let message else { return }
    MongoLibrary.logger.log(
        level: swiftLevel,
        "\(String(cString: message))",
        metadata: ["mongo.libmongoc_domain": "\(domain.map { String(cString: $0) } ?? "")"])
}
