public import Logging
import Synchronization

/// Log records kept in memory, for tests that look at what code under test logged. Hand ``logger(label:)``
/// to that code; the process-wide `LoggingSystem` is never bootstrapped.
public final class LogRecords: Sendable {
    /// One record, with its metadata flattened to text (the logger's, the call's and the source's).
    public struct Record: Sendable, CustomStringConvertible {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
        public var source: String

        /// The record as one line: level, message and every metadata key and value.
        public var description: String {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([level.rawValue, message, source] + fields).joined(separator: " ")
        }
    }

    private let records = Mutex<[Record]>([])

    public init() {}

    /// A logger at `trace` whose records are kept here.
    public func logger(label: String = "capture") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(records: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Every record so far.
    public var all: [Record] { records.withLock { $0 } }

    /// The records at `level` and above.
    public func atOrAbove(_ level: Logger.Level) -> [Record] { all.filter { $0.level >= level } }

    /// The records at `level` and above whose text contains any of `needles`.
    public func containing(_ needles: [String], atOrAbove level: Logger.Level = .info) -> [Record] {
        atOrAbove(level).filter { record in
            let text = record.description
            return needles.contains { text.contains($0) }
        }
    }

    func append(_ record: Record) { records.withLock { $0.append(record) } }
}

/// A `LogHandler` that keeps every record in a ``LogRecords``.
public struct CapturingLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .trace
    let records: LogRecords

    public init(records: LogRecords) {
        self.records = records
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadataProvider?.get() ?? [:]
        merged.merge(self.metadata) { _, handler in handler }
        if let metadata = event.metadata { merged.merge(metadata) { _, call in call } }
        if let error = event.error { merged["error"] = "\(error)" }
        records.append(
            LogRecords.Record(
                level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" },
                source: event.source))
    }
}
