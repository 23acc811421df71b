import Foundation
import SwitchboardCore
import Synchronization

/// The agent API's ``TypingThrottle`` behind a lock: one typing indicator per hand-over per 5 s, per replica.
final class AgentTypingGate: Sendable {
    private let throttle: Mutex<TypingThrottle>

    init(_ throttle: TypingThrottle = TypingThrottle()) {
        self.throttle = Mutex(throttle)
    }

    /// Whether hand-over `id` may show a typing indicator at `now` (counted when it may).
    func admit(_ id: String, at now: Date) -> Bool {
        throttle.withLock { $0.admit(id, at: now) }
    }
}
