import Foundation
public import SwitchboardRuntime

/// How channel-webhook fetches inbound media, from its environment (a variable that is set wins over the
/// default; `SWITCHBOARD_MEDIA_*`).
public struct MediaFetchConfiguration: Sendable {
    /// Whether media is fetched at all. `SWITCHBOARD_MEDIA_FETCH` (`true`/`false`), default true.
    public var enabled = true
    /// Largest file stored; a download is aborted as soon as it passes this. `SWITCHBOARD_MEDIA_MAX_BYTES`,
    /// default 16 MiB.
    public var maxBytes = 16 * 1024 * 1024
    /// MIME types stored: exact types, or `type/*`. `SWITCHBOARD_MEDIA_ALLOWED_TYPES` (comma-separated),
    /// default images, audio, video, PDF, common office documents and plain text.
    public var allowedTypes = MediaPolicy.defaultAllowedTypes
    /// Fetch attempts per media, including the first. `SWITCHBOARD_MEDIA_MAX_ATTEMPTS`, default 4.
    public var maxAttempts = 4
    /// First backoff ceiling, doubling per attempt. `SWITCHBOARD_MEDIA_RETRY_BASE_MS`, default 1000.
    public var retryBaseDelay: Duration = .seconds(1)
    /// Largest backoff. `SWITCHBOARD_MEDIA_RETRY_MAX_MS`, default 30 000.
    public var retryMaxDelay: Duration = .seconds(30)
    /// Deadline of one download (each request of it). `SWITCHBOARD_MEDIA_TIMEOUT_MS`, default 60 000.
    public var timeout: Duration = .seconds(60)
    /// Media fetched at once. `SWITCHBOARD_MEDIA_CONCURRENCY`, default 4.
    public var concurrency = 4

    /// The defaults.
    public init() {}

    /// Reads the variables over the defaults; throws naming the first invalid one (never its value).
    public init(variables: [String: String]) throws(SettingsError) {
        func given(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        func whole(_ name: String, _ fallback: Int, maximum: Int) throws(SettingsError) -> Int {
            guard let text = given(name) else { return fallback }
            guard let value = Int(text), (1...maximum).contains(value) else {
                throw SettingsError(reason: "\(name) must be a whole number from 1 to \(maximum)")
            }
            return value
        }
        switch given("SWITCHBOARD_MEDIA_FETCH")?.lowercased() {
        case nil, "true", "1", "yes": enabled = true
        case "false", "0", "no": enabled = false
        default: throw SettingsError(reason: "SWITCHBOARD_MEDIA_FETCH must be true or false")
        }
        maxBytes = try whole("SWITCHBOARD_MEDIA_MAX_BYTES", maxBytes, maximum: 1 << 30)
        if let list = given("SWITCHBOARD_MEDIA_ALLOWED_TYPES") {
            allowedTypes = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty }
            guard !allowedTypes.isEmpty, allowedTypes.allSatisfy({ $0.contains("/") }) else {
                throw SettingsError(reason: "SWITCHBOARD_MEDIA_ALLOWED_TYPES must list MIME types such as image/*")
            }
        }
        maxAttempts = try whole("SWITCHBOARD_MEDIA_MAX_ATTEMPTS", maxAttempts, maximum: 100)
        retryBaseDelay = .milliseconds(try whole("SWITCHBOARD_MEDIA_RETRY_BASE_MS", 1000, maximum: 3_600_000))
        retryMaxDelay = .milliseconds(try whole("SWITCHBOARD_MEDIA_RETRY_MAX_MS", 30_000, maximum: 3_600_000))
        timeout = .milliseconds(try whole("SWITCHBOARD_MEDIA_TIMEOUT_MS", 60_000, maximum: 3_600_000))
        concurrency = try whole("SWITCHBOARD_MEDIA_CONCURRENCY", concurrency, maximum: 256)
    }

    /// The size and type limits.
    public var policy: MediaPolicy { MediaPolicy(maxBytes: maxBytes, allowedTypes: allowedTypes) }
}
