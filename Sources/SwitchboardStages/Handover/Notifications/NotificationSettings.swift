import SwitchboardRuntime

/// How human-handover delivers notifications, from its environment. Every bad value names its variable.
public struct NotificationSettings: Sendable, Hashable {
    /// `SWITCHBOARD_NOTIFY_MAX_ATTEMPTS`: attempts per target, the first included, 1 to 20. Default 5.
    public var maxAttempts: Int
    /// `SWITCHBOARD_NOTIFY_RETRY_BASE_MS`: the first backoff's ceiling; it doubles per attempt. Default 1000.
    public var retryBaseDelay: Duration
    /// `SWITCHBOARD_NOTIFY_RETRY_MAX_MS`: the longest backoff and the longest `Retry-After` honoured (a
    /// longer one ends the retries). Default 60 000.
    public var retryMaxDelay: Duration
    /// `SWITCHBOARD_NOTIFY_TIMEOUT_MS`: one attempt's deadline (an HTTP request, a whole SMTP dialog).
    /// Default 10 000.
    public var timeout: Duration
    /// `SWITCHBOARD_NOTIFY_CONCURRENCY`: notifications of one tenant delivered at once. Default 4.
    public var concurrencyPerTenant: Int
    /// `SWITCHBOARD_NOTIFY_QUEUE`: notifications of one tenant waiting for a slot; beyond it they wait in
    /// the database for the next re-drive. Default 100.
    public var queuePerTenant: Int
    /// `SWITCHBOARD_NOTIFY_REDRIVE_MS`: how often notifications left pending (a crash, a full queue, a
    /// shutdown) are picked up again, and how long one delivery may hold its claim. Default 60 000.
    public var redriveInterval: Duration
    /// `SWITCHBOARD_TWILIO_API_BASE`, the same variable channel-webhook reads: the Twilio API. Default
    /// `https://api.twilio.com`.
    public var twilioAPIBase: String

    public init(
        maxAttempts: Int = 5, retryBaseDelay: Duration = .seconds(1), retryMaxDelay: Duration = .seconds(60),
        timeout: Duration = .seconds(10), concurrencyPerTenant: Int = 4, queuePerTenant: Int = 100,
        redriveInterval: Duration = .seconds(60), twilioAPIBase: String = "https://api.twilio.com"
    ) {
        self.maxAttempts = maxAttempts
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.timeout = timeout
        self.concurrencyPerTenant = concurrencyPerTenant
        self.queuePerTenant = queuePerTenant
        self.redriveInterval = redriveInterval
        self.twilioAPIBase = twilioAPIBase
    }

    /// Reads the settings over their defaults.
    public init(environment: DaemonEnvironment) throws {
        self.init()
        let variables = environment.variables
        func whole(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = variables[name], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw SettingsError(
                    reason: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        let hour = 3_600_000
        if let value = try whole("SWITCHBOARD_NOTIFY_MAX_ATTEMPTS", 1...20) { maxAttempts = value }
        if let value = try whole("SWITCHBOARD_NOTIFY_RETRY_BASE_MS", 1...hour) { retryBaseDelay = .milliseconds(value) }
        if let value = try whole("SWITCHBOARD_NOTIFY_RETRY_MAX_MS", 1...hour) { retryMaxDelay = .milliseconds(value) }
        if let value = try whole("SWITCHBOARD_NOTIFY_TIMEOUT_MS", 100...hour) { timeout = .milliseconds(value) }
        if let value = try whole("SWITCHBOARD_NOTIFY_CONCURRENCY", 1...100) { concurrencyPerTenant = value }
        if let value = try whole("SWITCHBOARD_NOTIFY_QUEUE", 1...100_000) { queuePerTenant = value }
        if let value = try whole("SWITCHBOARD_NOTIFY_REDRIVE_MS", 100...hour) { redriveInterval = .milliseconds(value) }
        if var base = variables["SWITCHBOARD_TWILIO_API_BASE"], !base.isEmpty {
            while base.hasSuffix("/") { base.removeLast() }
            twilioAPIBase = base
        }
    }

    /// The retry policy of one target's attempts (random jitter, real sleep).
    var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, baseDelay: retryBaseDelay, maxDelay: retryMaxDelay)
    }
}
