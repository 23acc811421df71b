import Foundation
import Synchronization

/// The six daemons as the fault suite runs them: its own processes on free ports, logs and pid files in its
/// own folder (never deploy/local/daemons.sh's), so it can kill, restart and add instances by pid.
final class FaultsDaemons: Sendable {
    /// The daemons in pipeline order.
    static let names = [
        "channel-webhook", "customer-identification", "session", "message-router", "nlp-plugin", "human-handover",
    ]

    /// One running (or stopped) instance.
    struct Instance: Sendable {
        var name: String
        var label: String
        var port: Int
        var pid: Int32
        var executable: String
    }

    let bin: String
    let folder: String
    let environment: [String: String]
    private let instances = Mutex<[String: Instance]>([:])

    /// Daemons from `bin`, logging into `folder`, each started with `environment` and its own port.
    init(bin: String, folder: String, environment: [String: String]) throws {
        self.bin = bin
        self.folder = folder
        self.environment = environment
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in Self.names where !FileManager.default.isExecutableFile(atPath: "\(bin)/\(name)") {
            throw BenchFailure.usage("no \(bin)/\(name): build the daemons first")
        }
    }

    /// The instance called `label` (a daemon's name for the first instance).
    func instance(_ label: String) -> Instance? {
        instances.withLock { $0[label] }
    }

    /// channel-webhook's base URL.
    var webhookBase: String { "http://127.0.0.1:\(instance("channel-webhook")?.port ?? 0)" }

    /// Starts an instance of `name` under `label` (default: the daemon's name) on its earlier port, or a
    /// free one.
    @discardableResult
    func start(_ name: String, label: String? = nil) async throws -> Instance {
        let label = label ?? name
        let port = try instance(label)?.port ?? FaultsProcess.freePort()
        var variables = environment
        variables["SWITCHBOARD_HTTP_PORT"] = String(port)
        // channel-webhook's broker-outage spool: one folder per instance (two must never share one).
        if name == "channel-webhook" { variables["SWITCHBOARD_SPOOL_DIR"] = "\(folder)/spool-\(label)" }
        let executable = "\(bin)/\(name)"
        let pid = try await FaultsProcess.spawn([executable], environment: variables, log: "\(folder)/\(label).log")
        try String(pid).write(toFile: "\(folder)/\(label).pid", atomically: true, encoding: .utf8)
        let started = Instance(name: name, label: label, port: port, pid: pid, executable: executable)
        instances.withLock { $0[label] = started }
        return started
    }

    /// Whether the instance `label` runs.
    func isRunning(_ label: String) -> Bool {
        guard let instance = instance(label) else { return false }
        return FaultsProcess.runs(instance.pid, program: instance.executable)
    }

    /// SIGKILL: no shutdown, no commit, no flush.
    func kill(_ label: String) async {
        guard let instance = instance(label) else { return }
        FaultsProcess.signal(SIGKILL, instance.pid, program: instance.executable)
        _ = await FaultsProcess.waitForExit(instance.pid, program: instance.executable, timeout: .seconds(5))
    }

    /// SIGTERM (graceful: the batch in hand finishes and commits), SIGKILL after `grace`. Whether it stopped
    /// within the grace period.
    @discardableResult
    func terminate(_ label: String, grace: Duration = .seconds(20)) async -> Bool {
        guard let instance = instance(label) else { return true }
        FaultsProcess.signal(SIGTERM, instance.pid, program: instance.executable)
        let stopped = await FaultsProcess.waitForExit(instance.pid, program: instance.executable, timeout: grace)
        if !stopped {
            FaultsProcess.signal(SIGKILL, instance.pid, program: instance.executable)
            _ = await FaultsProcess.waitForExit(instance.pid, program: instance.executable, timeout: .seconds(5))
        }
        try? FileManager.default.removeItem(atPath: "\(folder)/\(label).pid")
        return stopped
    }

    /// Waits until `label` answers `/health/ready` with 200 (broker and database reachable); whether it did
    /// within `timeout`.
    func waitReady(_ label: String, timeout: Duration) async -> Bool {
        guard let instance = instance(label) else { return false }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            guard FaultsProcess.runs(instance.pid, program: instance.executable) else { return false }
            if FaultsProcess.answers(port: instance.port) {
                let status = try? await FaultsDeadline.run(.seconds(3)) {
                    try await HTTPPool.with(base: "http://127.0.0.1:\(instance.port)", connections: 1) { pool in
                        await pool.get("/health/ready").status
                    }
                }
                if status == 200 { return true }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Starts every daemon that is not running and waits until all six are ready; the labels it had to start.
    @discardableResult
    func ensureAll(timeout: Duration = .seconds(90)) async throws -> [String] {
        var started: [String] = []
        for name in Self.names where !isRunning(name) {
            try await start(name)
            started.append(name)
        }
        for name in Self.names where !(await waitReady(name, timeout: timeout)) {
            throw BenchFailure.failed("\(name) not ready within \(timeout) (log: \(folder)/\(name).log)")
        }
        return started
    }

    /// Stops every instance it started.
    func stopAll() async {
        let labels = instances.withLock { Array($0.keys) }
        await withTaskGroup(of: Void.self) { group in
            for label in labels { group.addTask { await self.terminate(label) } }
        }
    }
}
