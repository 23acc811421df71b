/// One dependency that must work for a daemon to be ready, for example the Kafka broker or MongoDB.
///
/// `check` should make a cheap round trip (a metadata request, a `ping`) and return whether it succeeded.
/// It must return promptly when its task is cancelled: that is how ``OpsEndpoints`` enforces its timeout.
public struct ReadinessCheck: Sendable {
    /// The name under `checks` in the `/health/ready` body, for example `kafka`.
    public var name: String
    /// Returns `true` when the dependency works.
    public var check: @Sendable () async -> Bool

    public init(name: String, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.check = check
    }
}

/// The outcome of running every ``ReadinessCheck`` once.
public struct ReadinessReport: Sendable, Equatable {
    /// How one check ended.
    public enum Outcome: String, Sendable, Equatable {
        case ok
        case failed
        case timeout
    }

    /// Outcome by check name.
    public var checks: [String: Outcome]

    /// Whether every check passed (also true when there are no checks).
    public var isReady: Bool {
        self.checks.values.allSatisfy { $0 == .ok }
    }
}
