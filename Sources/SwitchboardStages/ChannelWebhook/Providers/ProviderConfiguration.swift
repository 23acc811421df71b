/// Settings shared by the provider adapters, read once from the daemon's environment variables.
///
/// Base URLs are per provider, `SWITCHBOARD_<PROVIDER>_API_BASE` (tests point them at a fake server):
/// `SWITCHBOARD_WHATSAPP_API_BASE` and `SWITCHBOARD_MESSENGER_API_BASE` default to
/// `https://graph.facebook.com`.
public struct ProviderConfiguration: Sendable {
    /// Per-request timeout. `SWITCHBOARD_PROVIDER_TIMEOUT_MS`, default 10 000.
    public var timeout: Duration
    /// Attempts per delivery, including the first. `SWITCHBOARD_PROVIDER_MAX_ATTEMPTS`, default 3.
    public var maxAttempts: Int
    /// First backoff ceiling. `SWITCHBOARD_PROVIDER_RETRY_BASE_MS`, default 500.
    public var retryBaseDelay: Duration
    /// Largest backoff and largest honoured `Retry-After`. `SWITCHBOARD_PROVIDER_RETRY_MAX_MS`, default 30 000.
    public var retryMaxDelay: Duration
    /// Every variable, for the provider-specific lookups below.
    public var variables: [String: String]

    public init(variables: [String: String] = [:]) {
        self.variables = variables
        timeout = .milliseconds(Self.positive(variables["SWITCHBOARD_PROVIDER_TIMEOUT_MS"]) ?? 10_000)
        maxAttempts = Self.positive(variables["SWITCHBOARD_PROVIDER_MAX_ATTEMPTS"]) ?? 3
        retryBaseDelay = .milliseconds(Self.positive(variables["SWITCHBOARD_PROVIDER_RETRY_BASE_MS"]) ?? 500)
        retryMaxDelay = .milliseconds(Self.positive(variables["SWITCHBOARD_PROVIDER_RETRY_MAX_MS"]) ?? 30_000)
    }

    /// `SWITCHBOARD_<PROVIDER>_API_BASE` (provider upper-cased) or `defaultBase`, without a trailing slash.
    public func apiBase(_ provider: String, default defaultBase: String) -> String {
        var base =
            variables["SWITCHBOARD_\(provider.uppercased())_API_BASE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? defaultBase
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// `SWITCHBOARD_<PROVIDER>_<NAME>` or `defaultValue`.
    public func value(_ provider: String, _ name: String, default defaultValue: String) -> String {
        variables["SWITCHBOARD_\(provider.uppercased())_\(name)"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultValue
    }

    /// A retry policy with these settings (real sleep and random jitter).
    public var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, baseDelay: retryBaseDelay, maxDelay: retryMaxDelay)
    }

    /// An HTTP client with this timeout.
    public var httpClient: ProviderHTTPClient { ProviderHTTPClient(timeout: timeout) }

    private static func positive(_ text: String?) -> Int? {
        guard let text, let value = Int(text), value > 0 else { return nil }
        return value
    }
}
