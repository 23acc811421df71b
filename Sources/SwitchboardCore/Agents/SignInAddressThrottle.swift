public import Foundation

/// Throttling of failed desk sign-ins per client address, so that one address cannot spray passwords over
/// many accounts (the per-account ``SignInLockout`` stops only guessing at one account).
///
/// A pure state machine; ``DeskAccounts`` keeps one behind a lock. Each address has a failure count that
/// decays: every `window` without a failure halves it. Up to `freeFailures` failures cost nothing; each
/// failure after that blocks the address for `baseDelay`, doubling per further failure up to `maximumDelay`.
/// A blocked address is refused before any account is looked up. A successful sign-in does not clear the
/// count: an attacker with one valid account must not be able to reset the throttle between guesses.
///
/// Memory is bounded: at most `capacity` addresses are tracked; when full, the one seen longest ago is
/// dropped.
public struct SignInAddressThrottle: Sendable {
    /// The policy.
    public struct Policy: Sendable, Hashable {
        /// Failures from one address before the first block. Default 20: a shared office address with a
        /// few mistyped passwords is not blocked.
        public var freeFailures: Int
        /// The first block's length. Default 30 s.
        public var baseDelay: TimeInterval
        /// The longest block. Default 15 minutes.
        public var maximumDelay: TimeInterval
        /// Each quiet `window` halves the failure count. Default 15 minutes.
        public var window: TimeInterval
        /// Addresses tracked at most. Default 10 000.
        public var capacity: Int

        public init(
            freeFailures: Int = 20, baseDelay: TimeInterval = 30, maximumDelay: TimeInterval = 900,
            window: TimeInterval = 900, capacity: Int = 10_000
        ) {
            self.freeFailures = freeFailures
            self.baseDelay = baseDelay
            self.maximumDelay = maximumDelay
            self.window = window
            self.capacity = max(1, capacity)
        }
    }

    struct Entry: Sendable, Hashable {
        var failures: Double
        var lastFailure: Date
        var blockedUntil: Date?
    }

    public let policy: Policy
    private(set) var entries: [String: Entry] = [:]

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// When `address` may try again, if it is blocked at `now`; nil when it may try now.
    public func blockedUntil(_ address: String, at now: Date) -> Date? {
        guard let until = entries[address]?.blockedUntil, until > now else { return nil }
        return until
    }

    /// Counts a failed sign-in from `address` at `now`; returns the end of the block it starts, if any.
    @discardableResult
    public mutating func failed(_ address: String, at now: Date) -> Date? {
        var entry = entries[address] ?? Entry(failures: 0, lastFailure: now, blockedUntil: nil)
        let quiet = max(0, now.timeIntervalSince(entry.lastFailure))
        if policy.window > 0, quiet > 0 { entry.failures *= pow(0.5, quiet / policy.window) }
        entry.failures += 1
        entry.lastFailure = now
        let beyond = Int(entry.failures.rounded()) - policy.freeFailures
        var started: Date?
        if beyond > 0 {
            let delay = min(policy.maximumDelay, policy.baseDelay * pow(2, Double(min(beyond - 1, 30))))
            let until = now.addingTimeInterval(delay)
            entry.blockedUntil = max(entry.blockedUntil ?? until, until)
            started = until
        }
        if entries[address] == nil, entries.count >= policy.capacity, let oldest = oldestAddress() {
            entries[oldest] = nil
        }
        entries[address] = entry
        return started
    }

    /// Addresses tracked now.
    public var trackedAddresses: Int { entries.count }

    private func oldestAddress() -> String? {
        entries.min { $0.value.lastFailure < $1.value.lastFailure }?.key
    }
}
