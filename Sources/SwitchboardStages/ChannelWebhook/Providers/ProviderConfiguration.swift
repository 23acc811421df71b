/// Settings shared by the provider adapters, read once from the daemon's environment variables.
///
/// Base URLs are per provider, `SWITCHBOARD_<PROVIDER>_API_BASE` (tests point them at a fake server):
/// `SWITCHBOARD_WHATSAPP_API_BASE` and `SWITCHBOARD_MESSENGER_API_BASE` default to
/// `https://graph.facebook.com`.
///
/// Send rates are per provider too, `SWITCHBOARD_<PROVIDER>_RATE_PER_SECOND` per channel account: WhatsApp 80
/// per phone number id, Messenger 40 per page, Telegram 30 per bot (and `SWITCHBOARD_TELEGRAM_CHAT_RATE_PER_SECOND`,
/// 1 per chat), Twilio 10 per sending number.
public struct ProviderConfiguration: Sendable {
    /// Per-request timeout. `SWITCHBOARD_PROVIDER_TIMEOUT_MS`, default 10 000.
    public var timeout: Duration
    /// Attempts per delivery, including the first. `SWITCHBOARD_PROVIDER_MAX_ATTEMPTS`, default 3.
    public var maxAttempts: Int
    /// First backoff ceiling. `SWITCHBOARD_PROVIDER_RETRY_BASE_MS`, default 500.
    public var retryBaseDelay: Duration
    /// Largest backoff and largest honoured `Retry-After`. `SWITCHBOARD_PROVIDER_RETRY_MAX_MS`, default 30 000.
    public var retryMaxDelay: Duration
    /// Consecutive failed calls (429, 5xx, timeouts) that open a channel account's circuit.
    /// `SWITCHBOARD_PROVIDER_BREAKER_FAILURES`, default 5.
    public var breakerFailureThreshold: Int
    /// How long an open circuit refuses calls before one probe may go through.
    /// `SWITCHBOARD_PROVIDER_BREAKER_COOL_DOWN_MS`, default 30 000.
    public var breakerCoolDown: Duration
    /// Every variable, for the provider-specific lookups below.
    public var variables: [String: String]

    public init(variables: [String: String] = [:]) {
        self.variables = variables
        timeout = .milliseconds(Self.positive(variables["SWITCHBOARD_PROVIDER_TIMEOUT_MS"]) ?? 10_000)
        maxAttempts = Self.positive(variables["SWITCHBOARD_PROVIDER_MAX_ATTEMPTS"]) ?? 3
        retryBaseDelay = .milliseconds(Self.positive(variables["SWITCHBOARD_PROVIDER_RETRY_BASE_MS"]) ?? 500)
        retryMaxDelay = .milliseconds(Self.positive(variables["SWITCHBOARD_PROVIDER_RETRY_MAX_MS"]) ?? 30_000)
        breakerFailureThreshold = Self.positive(variables["SWITCHBOARD_PROVIDER_BREAKER_FAILURES"]) ?? 5
        breakerCoolDown = .milliseconds(Self.positive(variables["SWITCHBOARD_PROVIDER_BREAKER_COOL_DOWN_MS"]) ?? 30_000)
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

    /// A rate limiter of `SWITCHBOARD_<PROVIDER>_<NAME>` sends per second per key (a positive number), else
    /// `defaultRate`.
    public func rateLimiter(
        _ provider: String, _ name: String = "RATE_PER_SECOND", default defaultRate: Double
    )
        -> RateLimiter
    {
        let configured = Double(value(provider, name, default: "")).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        return RateLimiter(rate: configured ?? defaultRate)
    }

    /// Circuit breakers per channel account with these settings.
    public var circuitBreaker: CircuitBreaker {
        CircuitBreaker(failureThreshold: breakerFailureThreshold, coolDown: breakerCoolDown)
    }

    /// An HTTP client with this timeout.
    public var httpClient: ProviderHTTPClient { ProviderHTTPClient(timeout: timeout) }

    private static func positive(_ text: String?) -> Int? {
        guard let text, let value = Int(text), value > 0 else { return nil }
        return value
    }
}
