public import SwitchboardRuntime

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
    /// The connections every adapter built with this configuration sends over. channel-webhook passes the
    /// pool it runs as a service; the default is a pool of its own, closed when the last adapter using it
    /// is released.
    public var connections: ProviderConnectionPool

    /// The whole-number settings and the largest value each takes (an hour for every time).
    static let wholeNumberLimits: KeyValuePairs<String, Int> = [
        "SWITCHBOARD_PROVIDER_TIMEOUT_MS": 3_600_000, "SWITCHBOARD_PROVIDER_MAX_ATTEMPTS": 100,
        "SWITCHBOARD_PROVIDER_RETRY_BASE_MS": 3_600_000, "SWITCHBOARD_PROVIDER_RETRY_MAX_MS": 3_600_000,
        "SWITCHBOARD_PROVIDER_BREAKER_FAILURES": 1_000_000, "SWITCHBOARD_PROVIDER_BREAKER_COOL_DOWN_MS": 3_600_000,
    ]
    /// The highest send rate per second a `SWITCHBOARD_<PROVIDER>_…RATE_PER_SECOND` takes.
    static let highestRate = 1_000_000.0

    /// Reads the settings over their defaults. A value that is not a number in its range reads as the
    /// default here; ``check()`` names it, and channel-webhook refuses to start.
    public init(variables: [String: String] = [:], connections: ProviderConnectionPool = ProviderConnectionPool()) {
        self.variables = variables
        self.connections = connections
        func whole(_ name: String, _ fallback: Int) -> Int { Self.wholeNumber(name, in: variables) ?? fallback }
        timeout = .milliseconds(whole("SWITCHBOARD_PROVIDER_TIMEOUT_MS", 10_000))
        maxAttempts = whole("SWITCHBOARD_PROVIDER_MAX_ATTEMPTS", 3)
        retryBaseDelay = .milliseconds(whole("SWITCHBOARD_PROVIDER_RETRY_BASE_MS", 500))
        retryMaxDelay = .milliseconds(whole("SWITCHBOARD_PROVIDER_RETRY_MAX_MS", 30_000))
        breakerFailureThreshold = whole("SWITCHBOARD_PROVIDER_BREAKER_FAILURES", 5)
        breakerCoolDown = .milliseconds(whole("SWITCHBOARD_PROVIDER_BREAKER_COOL_DOWN_MS", 30_000))
    }

    /// Refuses the first setting that is given but not a number in its range, naming it (never its value).
    public func check() throws(SettingsError) {
        for (name, maximum) in Self.wholeNumberLimits where Self.given(name, in: variables) != nil {
            guard Self.wholeNumber(name, in: variables) != nil else {
                throw SettingsError(reason: "\(name) must be a whole number from 1 to \(maximum)")
            }
        }
        let rates = variables.keys.filter { $0.hasPrefix("SWITCHBOARD_") && $0.hasSuffix("RATE_PER_SECOND") }
        for name in rates.sorted() where Self.given(name, in: variables) != nil {
            guard Self.rate(name, in: variables) != nil else {
                throw SettingsError(reason: "\(name) must be a number of sends per second above 0, at most 1000000")
            }
        }
    }

    /// `SWITCHBOARD_<PROVIDER>_API_BASE` (provider upper-cased) or `defaultBase`, without a trailing slash.
    public func apiBase(_ provider: String, default defaultBase: String) -> String {
        var base = value(provider, "API_BASE", default: defaultBase)
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// `SWITCHBOARD_<PROVIDER>_<NAME>` or `defaultValue`.
    public func value(_ provider: String, _ name: String, default defaultValue: String) -> String {
        Self.given("SWITCHBOARD_\(provider.uppercased())_\(name)", in: variables) ?? defaultValue
    }

    /// A retry policy with these settings (real sleep and random jitter).
    public var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, baseDelay: retryBaseDelay, maxDelay: retryMaxDelay)
    }

    /// A rate limiter of `SWITCHBOARD_<PROVIDER>_<NAME>` sends per second per key (above 0, at most
    /// 1 000 000), else `defaultRate`.
    public func rateLimiter(
        _ provider: String, _ name: String = "RATE_PER_SECOND", default defaultRate: Double
    )
        -> RateLimiter
    {
        RateLimiter(rate: Self.rate("SWITCHBOARD_\(provider.uppercased())_\(name)", in: variables) ?? defaultRate)
    }

    /// Circuit breakers per channel account with these settings.
    public var circuitBreaker: CircuitBreaker {
        CircuitBreaker(failureThreshold: breakerFailureThreshold, coolDown: breakerCoolDown)
    }

    /// An HTTP client over ``connections`` with this timeout.
    public var httpClient: ProviderHTTPClient { ProviderHTTPClient(timeout: timeout, pool: connections) }

    private static func given(_ name: String, in variables: [String: String]) -> String? {
        variables[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func wholeNumber(_ name: String, in variables: [String: String]) -> Int? {
        let maximum = wholeNumberLimits.first { $0.key == name }?.value ?? Int.max
        guard let value = given(name, in: variables).flatMap({ Int($0) }), (1...maximum).contains(value) else {
            return nil
        }
        return value
    }

    private static func rate(_ name: String, in variables: [String: String]) -> Double? {
        guard let rate = given(name, in: variables).flatMap({ Double($0) }), rate > 0, rate <= highestRate else {
            return nil
        }
        return rate
    }
}
