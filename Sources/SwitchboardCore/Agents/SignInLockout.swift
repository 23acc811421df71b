public import Foundation

/// Lockout with backoff after repeated failed sign-ins: a pure policy over an ``AgentAccount``'s counters.
///
/// The first `freeAttempts` failures cost nothing; each failure after that locks the account for
/// `baseDelay`, doubling per further failure up to `maximumDelay`. While locked, a sign-in is refused
/// without checking the password, so guessing is limited to a few tries per lock period. A successful
/// sign-in resets the count.
public struct SignInLockout: Sendable, Hashable {
    /// Failures allowed before the first lock. Default 5.
    public var freeAttempts: Int
    /// The first lock's length. Default 30 s.
    public var baseDelay: TimeInterval
    /// The longest lock. Default 15 minutes.
    public var maximumDelay: TimeInterval

    public init(freeAttempts: Int = 5, baseDelay: TimeInterval = 30, maximumDelay: TimeInterval = 900) {
        self.freeAttempts = freeAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// What happens to one sign-in attempt.
    public enum Decision: Sendable, Hashable {
        /// Check the password.
        case checkPassword
        /// Refuse without checking; the lock ends at the date.
        case locked(until: Date)
    }

    /// Whether `account` may try a password at `now`.
    public func decide(_ account: AgentAccount, at now: Date) -> Decision {
        if let until = account.lockedUntil, until > now { return .locked(until: until) }
        return .checkPassword
    }

    /// The account after a wrong password at `now`; `lockedUntil` is set when this failure locks it.
    public func failed(_ account: AgentAccount, at now: Date) -> AgentAccount {
        var account = account
        account.failedSignIns += 1
        let beyond = account.failedSignIns - freeAttempts
        if beyond >= 0 {
            let delay = min(maximumDelay, baseDelay * pow(2, Double(min(beyond, 30))))
            account.lockedUntil = now.addingTimeInterval(delay)
        }
        return account
    }

    /// The account after a successful sign-in: no failures, no lock.
    public func succeeded(_ account: AgentAccount) -> AgentAccount {
        var account = account
        account.failedSignIns = 0
        account.lockedUntil = nil
        return account
    }
}
