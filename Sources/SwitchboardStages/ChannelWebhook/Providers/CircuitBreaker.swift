import Synchronization

/// The circuit of one channel account: closed (calls go through), open (calls are refused until the
/// cool-down ends), half-open (one probe call decides). A pure state machine; ``CircuitBreaker`` locks it.
public struct CircuitBreakerState: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen(probeInFlight: Bool)
    }

    /// What to do with a call.
    public enum Decision: Sendable, Hashable {
        case allow
        /// Refused; the circuit may let a probe through after this long.
        case reject(retryAfter: Duration)
    }

    public private(set) var phase: Phase = .closed(consecutiveFailures: 0)
    public let failureThreshold: Int
    public let coolDown: Duration

    public init(failureThreshold: Int, coolDown: Duration) {
        self.failureThreshold = max(1, failureThreshold)
        self.coolDown = coolDown
    }

    /// Whether a call may start now.
    public mutating func request(now: ContinuousClock.Instant) -> Decision {
        switch phase {
        case .closed:
            return .allow
        case .open(let until):
            guard now >= until else { return .reject(retryAfter: now.duration(to: until)) }
            phase = .halfOpen(probeInFlight: true)
            return .allow
        case .halfOpen(let probeInFlight):
            guard !probeInFlight else { return .reject(retryAfter: coolDown) }
            phase = .halfOpen(probeInFlight: true)
            return .allow
        }
    }

    /// A call succeeded: the circuit closes.
    public mutating func recordSuccess() {
        phase = .closed(consecutiveFailures: 0)
    }

    /// A call failed in a way that says the provider is unwell (5xx, timeout, 429).
    public mutating func recordFailure(now: ContinuousClock.Instant) {
        switch phase {
        case .closed(let failures):
            phase =
                failures + 1 >= failureThreshold
                ? .open(until: now.advanced(by: coolDown)) : .closed(consecutiveFailures: failures + 1)
        case .halfOpen:
            phase = .open(until: now.advanced(by: coolDown))
        case .open:
            break
        }
    }
}

/// Circuit breakers keyed by channel account (`whatsapp:<phone-number-id>`), safe to share.
public final class CircuitBreaker: Sendable {
    private let states = Mutex<[String: CircuitBreakerState]>([:])
    private let failureThreshold: Int
    private let coolDown: Duration
    private let now: @Sendable () -> ContinuousClock.Instant

    /// Opens after `failureThreshold` consecutive failures; probes again after `coolDown`.
    public init(
        failureThreshold: Int = 5, coolDown: Duration = .seconds(30),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.failureThreshold = failureThreshold
        self.coolDown = coolDown
        self.now = now
    }

    /// Whether a call for `key` may start.
    public func request(_ key: String) -> CircuitBreakerState.Decision {
        let now = now()
        return states.withLock { states in
            states[key, default: fresh].request(now: now)
        }
    }

    public func recordSuccess(_ key: String) {
        states.withLock { $0[key, default: fresh].recordSuccess() }
    }

    public func recordFailure(_ key: String) {
        let now = now()
        states.withLock { $0[key, default: fresh].recordFailure(now: now) }
    }

    /// The current phase for `key`.
    public func phase(_ key: String) -> CircuitBreakerState.Phase {
        states.withLock { $0[key]?.phase ?? .closed(consecutiveFailures: 0) }
    }

    private var fresh: CircuitBreakerState {
        CircuitBreakerState(failureThreshold: failureThreshold, coolDown: coolDown)
    }
}
