import Foundation

/// One fault the suite injects under the steady stream.
struct FaultsScenario: Sendable {
    enum Kind: Sendable {
        /// SIGKILL a daemon, start it again after the pause.
        case kill(String)
        /// SIGSTOP the broker or database, SIGCONT after the duration.
        case freeze(FaultsStack.Part)
        /// SIGKILL the database, start it again on the same storage path after the duration.
        case restartDatabase
        /// The vendor answers 500, then 429 with Retry-After, then recovers; dead letters are replayed.
        case vendorOutage
        /// A second instance of a daemon joins its consumer groups, stays, then leaves (SIGTERM).
        case rebalance(String)
    }

    /// As `--faults` names it, e.g. `kill-session`.
    var name: String
    var kind: Kind
    /// How long the fault lasts (the pause of a kill, the stay of a second instance).
    var duration: Duration

    /// What the table calls it.
    var description: String {
        let seconds = Int(duration / .seconds(1))
        switch kind {
        case .kill(let daemon): return "\(daemon) SIGKILL, restart after \(seconds) s"
        case .freeze(.broker): return "broker SIGSTOP \(seconds) s"
        case .freeze(.database): return "database SIGSTOP \(seconds) s"
        case .restartDatabase: return "database SIGKILL, down \(seconds) s"
        case .vendorOutage: return "vendor 500/429 \(seconds) s + replay"
        case .rebalance(let daemon): return "\(daemon) 2nd instance \(seconds) s"
        }
    }

    /// Every scenario, in the order they run.
    static func all(
        killPause: Duration, freeze: Duration, databaseDown: Duration, vendor: Duration, rebalance: Duration
    ) -> [FaultsScenario] {
        FaultsDaemons.names.map { FaultsScenario(name: "kill-\($0)", kind: .kill($0), duration: killPause) } + [
            FaultsScenario(name: "broker-freeze", kind: .freeze(.broker), duration: freeze),
            FaultsScenario(name: "database-freeze", kind: .freeze(.database), duration: freeze),
            FaultsScenario(name: "database-restart", kind: .restartDatabase, duration: databaseDown),
            FaultsScenario(name: "vendor-outage", kind: .vendorOutage, duration: vendor),
            FaultsScenario(name: "rebalance-session", kind: .rebalance("session"), duration: rebalance),
            FaultsScenario(name: "rebalance-channel-webhook", kind: .rebalance("channel-webhook"), duration: rebalance),
        ]
    }
}

/// What the suite needs to inject faults.
struct FaultsTargets: Sendable {
    let daemons: FaultsDaemons
    let stack: FaultsStack
    let vendor: FaultsVendor
    /// The environment the database is restarted with.
    let environment: [String: String]
}

extension FaultsScenario {
    /// The fault's start and end, and notes on what happened.
    struct Injected: Sendable {
        var start: Date
        var end: Date
        var notes: [String] = []
    }

    /// Injects the fault now and heals it; returns when it has ended.
    func inject(into targets: FaultsTargets) async throws -> Injected {
        let clock = ContinuousClock()
        let start = Date()
        var notes: [String] = []
        switch kind {
        case .kill(let daemon):
            await targets.daemons.kill(daemon)
            try await Task.sleep(for: duration)
            try await targets.daemons.start(daemon)
            let end = Date()
            let began = clock.now
            let ready = await targets.daemons.waitReady(daemon, timeout: .seconds(90))
            notes.append(
                ready
                    ? String(format: "%@ ready %.1f s after its restart", daemon, WallClock.seconds(clock.now - began))
                    : "\(daemon) NOT ready within 90 s of its restart")
            return Injected(start: start, end: end, notes: notes)
        case .freeze(let part):
            try targets.stack.freeze(part)
            try await Task.sleep(for: duration)
            targets.stack.thaw(part)
            return Injected(start: start, end: Date(), notes: notes)
        case .restartDatabase:
            try await targets.stack.killDatabase()
            try await Task.sleep(for: duration)
            let end = Date()
            let began = clock.now
            let listening = try await targets.stack.restartDatabase(environment: targets.environment)
            notes.append(
                listening
                    ? String(
                        format: "database accepting connections %.1f s after its restart",
                        WallClock.seconds(clock.now - began))
                    : "database NOT accepting connections within 60 s of its restart")
            return Injected(start: start, end: end, notes: notes)
        case .vendorOutage:
            let refusedBefore = targets.vendor.refused
            targets.vendor.set(.failing)
            try await Task.sleep(for: duration / 2)
            targets.vendor.set(.throttling(retryAfter: 5))
            try await Task.sleep(for: duration / 2)
            targets.vendor.set(.healthy)
            notes.append(
                "vendor refused \(targets.vendor.refused - refusedBefore) sends (500, then 429 with Retry-After: 5)")
            return Injected(start: start, end: Date(), notes: notes)
        case .rebalance(let daemon):
            let label = "\(daemon)-2"
            let instance = try await targets.daemons.start(daemon, label: label)
            let began = clock.now
            let ready = await targets.daemons.waitReady(label, timeout: .seconds(60))
            notes.append(
                ready
                    ? String(
                        format: "second %@ (pid %d) ready after %.1f s", daemon, instance.pid,
                        WallClock.seconds(clock.now - began))
                    : "second \(daemon) NOT ready within 60 s")
            let stay = duration - (clock.now - began)
            if stay > .zero { try await Task.sleep(for: stay) }
            let leaving = clock.now
            let stopped = await targets.daemons.terminate(label)
            notes.append(
                String(
                    format: "second %@ left (SIGTERM) in %.1f s%@", daemon, WallClock.seconds(clock.now - leaving),
                    stopped ? "" : ", killed after the grace period"))
            return Injected(start: start, end: Date(), notes: notes)
        }
    }
}
