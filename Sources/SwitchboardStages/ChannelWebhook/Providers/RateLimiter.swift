import Synchronization

/// A token bucket: `rate` tokens per second up to `burst`. Callers reserve a token and wait until it
/// exists, so waiting callers are served in order without polling. A pure state machine.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let burst: Double
    /// Tokens available at ``updated``; negative when callers have reserved future tokens.
    public private(set) var tokens: Double
    public private(set) var updated: ContinuousClock.Instant

    public init(rate: Double, burst: Int, now: ContinuousClock.Instant) {
        self.rate = rate
        self.burst = Double(max(1, burst))
        self.tokens = Double(max(1, burst))
        self.updated = now
    }

    /// Reserves one token; returns how long to wait before using it (zero when one is available now).
    public mutating func reserve(now: ContinuousClock.Instant) -> Duration {
        if now > updated {
            let elapsed = updated.duration(to: now)
            tokens = min(burst, tokens + elapsed / .seconds(1) * rate)
            updated = now
        }
        tokens -= 1
        guard tokens < 0 else { return .zero }
        return .seconds(-tokens / rate)
    }
}

/// Token buckets per key (WhatsApp: 80/s per phone number id; Telegram: 30/s per bot, 1/s per chat),
/// safe to share. ``acquire(_:)`` waits for the caller's turn.
public final class RateLimiter: Sendable {
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let rate: Double
    private let burst: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let sleep: @Sendable (Duration) async throws -> Void

    /// `rate` per second per key, bursts up to `burst` (default: one second's worth).
    public init(
        rate: Double, burst: Int? = nil, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.rate = rate
        self.burst = burst ?? max(1, Int(rate))
        self.now = now
        self.sleep = sleep
    }

    /// Waits until `key` may send one more request; throws when the task is cancelled while waiting.
    public func acquire(_ key: String) async throws {
        let now = now()
        let wait = buckets.withLock { buckets in
            buckets[key, default: TokenBucket(rate: rate, burst: burst, now: now)].reserve(now: now)
        }
        if wait > .zero { try await sleep(wait) }
    }
}
