import Foundation

/// Exponential backoff with full jitter for provider calls: retried on 429, 5xx and transport failures,
/// honouring the provider's `Retry-After` (or a `retry_after` in its body), up to ``maxAttempts``.
///
/// Randomness and sleeping are injected so tests are deterministic.
public struct RetryPolicy: Sendable {
    /// What one attempt produced.
    public enum Step<Value: Sendable>: Sendable {
        /// Final: return this value.
        case done(Value)
        /// Worth retrying; `value` is returned if no attempts are left. `retryAfter` overrides the backoff.
        case retry(Value, retryAfter: Duration?)
    }

    /// Attempts including the first.
    public var maxAttempts: Int
    /// Ceiling of the first backoff; doubles each attempt.
    public var baseDelay: Duration
    /// Largest backoff, and largest `Retry-After` waited for (a longer one ends the retries).
    public var maxDelay: Duration
    /// A uniform random number in 0...1.
    public var random: @Sendable () -> Double
    /// Waits; throws when cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
        self.sleep = sleep
    }

    /// Whether an HTTP status is worth retrying: 408, 429 and 5xx.
    public static func isRetriable(status: Int) -> Bool {
        status == 408 || status == 429 || (500..<600).contains(status)
    }

    /// `Retry-After` as delay-seconds (HTTP dates are not used by the providers we call). A wait past a
    /// billion seconds (`inf` included) is read as a billion: far beyond any ``maxDelay``, so it gives up.
    public static func retryAfter(header: String?) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), let seconds = Double(text), seconds >= 0
        else { return nil }
        return .milliseconds(Int64(min(seconds, 1_000_000_000) * 1000))
    }

    /// The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed; nil to give up
    /// (the provider asked for longer than ``maxDelay``).
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration? {
        if let retryAfter { return retryAfter <= maxDelay ? retryAfter : nil }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        return ceiling * min(max(random(), 0), 1)
    }

    /// Runs `attempt` (given its 1-based number) until it is done, attempts run out, the wait would be
    /// too long, or the task is cancelled; returns the last value.
    public func run<Value: Sendable>(_ attempt: (Int) async -> Step<Value>) async -> Value {
        var number = 1
        while true {
            switch await attempt(number) {
            case .done(let value):
                return value
            case .retry(let value, let retryAfter):
                guard number < maxAttempts, let wait = delay(afterAttempt: number, retryAfter: retryAfter) else {
                    return value
                }
                do { try await sleep(wait) } catch { return value }
                number += 1
            }
        }
    }
}
