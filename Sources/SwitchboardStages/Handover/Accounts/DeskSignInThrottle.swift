public import Foundation
public import SwitchboardCore
import Synchronization

/// The desk's ``SignInAddressThrottle``, shared by every sign-in request of the process behind a lock.
///
/// Per process: with several replicas an address gets each replica's allowance, which still bounds a spray
/// to a few guesses per lock period per replica.
public final class DeskSignInThrottle: Sendable {
    private let state: Mutex<SignInAddressThrottle>

    public init(policy: SignInAddressThrottle.Policy = SignInAddressThrottle.Policy()) {
        state = Mutex(SignInAddressThrottle(policy: policy))
    }

    /// Until when `address` is refused, if it is at `now`.
    public func blockedUntil(_ address: String, at now: Date) -> Date? {
        state.withLock { $0.blockedUntil(address, at: now) }
    }

    /// Counts a failure; returns the end of the block it starts, if any.
    @discardableResult
    public func failed(_ address: String, at now: Date) -> Date? {
        state.withLock { $0.failed(address, at: now) }
    }
}
