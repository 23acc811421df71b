public import Logging

/// A `LogHandler` that writes one JSON object per line.
///
/// Every line has `ts` (ISO-8601 UTC with milliseconds), `level`, `label`, `msg` and `source`, followed by every
/// metadata key as a top-level field: strings as strings, nested dictionaries and arrays as JSON objects and arrays.
/// Metadata merges in this order, later winning: the metadata provider, the handler's metadata, the call's metadata.
/// Values under secret-looking keys (see ``isSecret(_:)``) are written as `"[redacted]"`, at any depth.
///
/// Executables install it with ``LoggingBootstrap``; libraries never create it.
public struct JSONLogHandler: LogHandler {
    /// What a redacted value is written as.
    public static let redactedValue = "[redacted]"

    /// Keys whose values are never written, compared case-insensitively with `-` read as `_`.
    public static let secretKeys: Set<String> = [
        "api_key", "apikey", "authorization", "cookie", "set_cookie", "password", "passwd", "secret",
        "token", "access_token", "refresh_token", "client_secret", "private_key", "connection_string",
    ]

    /// Fixed fields; a metadata key with one of these names is written as `meta_<name>` so that it cannot
    /// produce a duplicate JSON key or overwrite the line's own fields.
    static let reservedKeys: Set<String> = ["ts", "level", "label", "msg", "source"]

    /// The logger label, written as `label`; for the root logger of a daemon this is the daemon name.
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata
    public var metadataProvider: Logger.MetadataProvider?
    private let output: LogOutput
    private let now: @Sendable () -> Int64

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger label, written as `label`.
    ///   - level: The minimum level written. Default `.info`.
    ///   - output: Where lines go. Default standard output.
    ///   - metadataProvider: Contextual metadata (for example a task-local trace id), merged below all other
    ///     metadata. Default none.
    public init(
        label: String,
        level: Logger.Level = .info,
        output: LogOutput = .standardOutput,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.init(
            label: label, level: level, output: output, metadataProvider: metadataProvider,
            now: LogTimestamp.nowMilliseconds)
    }

    init(
        label: String,
        level: Logger.Level,
        output: LogOutput,
        metadataProvider: Logger.MetadataProvider?,
        now: @escaping @Sendable () -> Int64
    ) {
        self.label = label
        self.logLevel = level
        self.metadata = [:]
        self.metadataProvider = metadataProvider
        self.output = output
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadataProvider?.get() ?? [:]
        merged.merge(self.metadata) { _, handler in handler }
        if let callMetadata = event.metadata {
            merged.merge(callMetadata) { _, call in call }
        }
        if let error = event.error, merged[LogKeys.error] == nil {
            merged[LogKeys.error] = .string(String(describing: error))
        }

        var line = JSONLine()
        line.field("ts", string: LogTimestamp.format(epochMilliseconds: self.now()))
        line.field("level", string: event.level.rawValue)
        line.field("label", string: self.label)
        line.field("msg", string: event.message.description)
        line.field("source", string: event.source)
        for key in merged.keys.sorted() {
            let name = Self.reservedKeys.contains(key) ? "meta_" + key : key
            if Self.isSecret(key) {
                line.field(name, string: Self.redactedValue)
            } else {
                line.field(name, value: merged[key]!, redacting: Self.isSecret)
            }
        }
        self.output.write(line.finish())
    }

    /// Whether a metadata key names a credential: one of ``secretKeys``, or ending in `_token`, `_secret`,
    /// `_password` or `_api_key` (so `webhook_secret` and `X-Api-Key` are covered too).
    public static func isSecret(_ key: String) -> Bool {
        let normalized = String(key.lowercased().map { $0 == "-" ? "_" : $0 })
        if secretKeys.contains(normalized) {
            return true
        }
        return normalized.hasSuffix("_token") || normalized.hasSuffix("_secret")
            || normalized.hasSuffix("_password") || normalized.hasSuffix("_api_key")
    }
}
