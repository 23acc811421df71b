import Synchronization

/// Token buckets per key that refuse instead of waiting: the web chat API's per-tenant and per-address
/// request rates. A pure state machine; ``AdmissionLimiter`` puts a lock around it.
///
/// The table holds at most `maxKeys` buckets: when full, buckets that have refilled (their key is idle)
/// are dropped first, and if none has, the request is refused rather than the table grown — a flood of
/// new addresses cannot exhaust memory.
public struct AdmissionLimits: Sendable {
    public let rate: Double
    public let burst: Double
    public let maxKeys: Int
    private var buckets: [String: (tokens: Double, updated: ContinuousClock.Instant)] = [:]

    public init(rate: Double, burst: Int, maxKeys: Int = 100_000) {
        self.rate = rate
        self.burst = Double(max(1, burst))
        self.maxKeys = maxKeys
    }

    /// Takes one token for `key`: nil when admitted, else how long until a token exists.
    public mutating func take(_ key: String, now: ContinuousClock.Instant) -> Duration? {
        var bucket = buckets[key] ?? (tokens: burst, updated: now)
        if buckets[key] == nil, buckets.count >= maxKeys {
            buckets = buckets.filter { refilled($0.value, now: now) < burst }
            if buckets.count >= maxKeys { return .seconds(1) }
        }
        bucket.tokens = refilled(bucket, now: now)
        bucket.updated = now
        guard bucket.tokens >= 1 else {
            buckets[key] = bucket
            return .seconds((1 - bucket.tokens) / rate)
        }
        bucket.tokens -= 1
        buckets[key] = bucket
        return nil
    }

    private func refilled(
        _ bucket: (tokens: Double, updated: ContinuousClock.Instant), now: ContinuousClock.Instant
    )
        -> Double
    {
        guard now > bucket.updated else { return bucket.tokens }
        return min(burst, bucket.tokens + bucket.updated.duration(to: now) / .seconds(1) * rate)
    }
}

/// ``AdmissionLimits`` behind a lock, with the clock injected.
public final class AdmissionLimiter: Sendable {
    private let limits: Mutex<AdmissionLimits>
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(
        rate: Double, burst: Int, maxKeys: Int = 100_000,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        limits = Mutex(AdmissionLimits(rate: rate, burst: burst, maxKeys: maxKeys))
        self.now = now
    }

    /// Nil when `key` may go on; else the whole seconds to put in `Retry-After` (at least 1).
    public func retryAfter(_ key: String) -> Int? {
        let instant = now()
        guard let wait = limits.withLock({ $0.take(key, now: instant) }) else { return nil }
        return max(1, Int((wait / .seconds(1)).rounded(.up)))
    }
}

/// How many database-bound web chat requests each tenant may have in flight at once, so one tenant's flood
/// of visitors cannot hold every connection of the shared database pool while other tenants' replies wait.
public final class TenantConcurrency: Sendable {
    private let inFlight = Mutex<[String: Int]>([:])
    public let limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` when `tenantId` has a free slot; throws 503 with `Retry-After` when it has none.
    public func run<T: Sendable>(_ tenantId: String, _ body: () async throws -> T) async throws -> T {
        let entered = inFlight.withLock { counts in
            guard counts[tenantId, default: 0] < limit else { return false }
            counts[tenantId, default: 0] += 1
            return true
        }
        guard entered else {
            throw ChannelHTTPError(.serviceUnavailable, "too many requests of this tenant in flight", retryAfter: 1)
        }
        defer {
            inFlight.withLock { counts in
                counts[tenantId, default: 1] -= 1
                if counts[tenantId] == 0 { counts[tenantId] = nil }
            }
        }
        return try await body()
    }
}
