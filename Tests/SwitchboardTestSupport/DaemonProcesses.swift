public import Foundation
import Synchronization

/// The six daemons as real processes on the test run's broker and database, with their own topic prefix,
/// database, tenants file and HTTP ports. Logs go to files in a temporary folder, named in failures.
public final class DaemonProcesses: @unchecked Sendable {
    // @unchecked: the processes dictionary is only touched from the test's own task.
    public static let names = [
        "channel-webhook", "customer-identification", "session", "message-router", "nlp-plugin", "human-handover",
    ]

    public let prefix: String
    public let database: String
    public let folder: URL
    public private(set) var ports: [String: Int] = [:]
    public let environment: [String: String]
    private var processes: [String: Process] = [:]

    public static let apiKey = "test-webchat-key"
    public static let agentKey = "test-agent-key"

    /// Writes the tenants file (tenant `demo` and any `moreTenants`, idle timeout `idleTimeoutSeconds`, the
    /// demo NLP training, `demoSettings`: more YAML for the demo tenant, and per tenant any YAML lines of
    /// `tenantSettings`, e.g. a `bot:` block; both indented by four spaces) and prepares the environment.
    public init(
        idleTimeoutSeconds: Int, extra: [String: String] = [:], moreTenants: [String] = [], demoSettings: String = "",
        tenantSettings: [String: String] = [:]
    ) throws {
        prefix = TestStack.uniqueName("pipeline")
        database = prefix.replacingOccurrences(of: "-", with: "_")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(prefix)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let training = TestStack.repositoryRoot.appendingPathComponent("deploy/nlp/demo.yml").path
        let tenants =
            "tenants:\n"
            + (["demo"] + moreTenants).map { id in
                """
                  - id: \(id)
                    idle_timeout_seconds: \(idleTimeoutSeconds)
                    nlp:
                      training_file: \(training)
                \(tenantSettings[id] ?? "")
                """ + (id == "demo" ? demoSettings : "")
            }.joined()
        let tenantsFile = folder.appendingPathComponent("tenants.yaml")
        try tenants.write(to: tenantsFile, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_KAFKA_BROKERS"] = try TestStack.kafkaBrokers
        environment["SWITCHBOARD_MONGO_URI"] = try TestStack.mongoURI
        environment["SWITCHBOARD_MONGO_DATABASE"] = database
        environment["SWITCHBOARD_TOPIC_PREFIX"] = prefix + "."
        environment["SWITCHBOARD_TOPIC_PARTITIONS"] = "3"
        environment["SWITCHBOARD_TENANTS_FILE"] = tenantsFile.path
        environment["SWITCHBOARD_TENANT_DEMO_API_KEY"] = Self.apiKey
        environment["SWITCHBOARD_TENANT_DEMO_AGENT_KEY"] = Self.agentKey
        environment["SWITCHBOARD_KAFKA_SESSION_TIMEOUT_MS"] = "6000"
        environment["SWITCHBOARD_KAFKA_LINGER_MS"] = "1"
        environment["SWITCHBOARD_LOG_LEVEL"] = "info"
        environment["SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS"] = "10"
        environment.merge(TestStack.libmongocQuiet) { given, _ in given }
        for (key, value) in extra { environment[key] = value }
        self.environment = environment
        for name in Self.names { ports[name] = try Self.freePort() }
    }

    /// The folder the test executables are built into.
    public static var binaries: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// Starts one daemon (again, after a kill) on its port.
    public func start(_ name: String) throws {
        let process = Process()
        process.executableURL = Self.binaries.appendingPathComponent(name)
        var environment = self.environment
        environment["SWITCHBOARD_HTTP_PORT"] = String(ports[name] ?? 0)
        process.environment = environment
        let log = folder.appendingPathComponent("\(name).log")
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[name] = process
    }

    /// Starts the six daemons, once one of the run's ``DaemonSlots`` is free: the slot is held until
    /// ``signalAll()`` (or until this object goes away).
    public func startAll() async throws {
        if !holdsSlot {
            await DaemonSlots.shared.acquire()
            holdsSlot = true
        }
        do {
            for name in Self.names { try start(name) }
        } catch {
            releaseSlot()
            throw error
        }
    }

    private var holdsSlot = false

    private func releaseSlot() {
        guard holdsSlot else { return }
        holdsSlot = false
        DaemonSlots.shared.release()
    }

    /// Sends `signal` and waits for the process to end, without blocking a thread of the cooperative pool
    /// (with two cores, two blocked threads stall every other test of the run).
    public func stop(_ name: String, signal: Int32 = SIGTERM) async {
        guard let process = processes.removeValue(forKey: name) else { return }
        kill(process.processIdentifier, signal)
        await Self.waitForExit(of: [process])
    }

    /// Stops every daemon gracefully (SIGTERM to all at once) and waits until all have ended.
    public func stopAll() async {
        let running = Array(processes.values)
        processes = [:]
        for process in running { kill(process.processIdentifier, SIGTERM) }
        await Self.waitForExit(of: running)
        releaseSlot()
    }

    /// Waits for `processes` to end; one still running after `limit` (a daemon's own shutdown bound is far
    /// shorter) is killed, so a hung shutdown cannot hang the test run.
    private static func waitForExit(of processes: [Process], limit: Duration = .seconds(30)) async {
        let deadline = ContinuousClock.now + limit
        for process in processes { try? await process.ended(killingAt: deadline) }
    }

    /// Sends SIGTERM to every daemon and returns at once: for `defer`, which cannot wait. The daemons end
    /// on their own; ``deinit`` kills any still running.
    public func signalAll() {
        for process in processes.values { kill(process.processIdentifier, SIGTERM) }
        releaseSlot()
    }

    public func url(_ name: String, _ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(ports[name] ?? 0)\(path)")!
    }

    /// Waits until every running daemon answers `/health/ready` with 200.
    public func waitUntilReady(within limit: Duration = .seconds(90)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        for name in processes.keys.sorted() {
            while true {
                // A daemon that has ended is failed, whatever answers on its port.
                if let process = processes[name], !process.isRunning {
                    throw DaemonFailed(name: name, log: tail(name))
                }
                if let status = try? await HTTP.get(url(name, "/health/ready")).status, status == 200 { break }
                guard clock.now < deadline else { throw DaemonFailed(name: name, log: tail(name)) }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// The end of a daemon's log, for failure messages.
    public func tail(_ name: String, lines: Int = 30) -> String {
        let text = (try? String(contentsOf: folder.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now, and that no other call in this test run returns.
    ///
    /// Ports come from below the kernel's ephemeral range (32768 and up), in turn from a random start: a port
    /// the kernel chose for `bind(0)` and that was closed again could be handed out by the kernel the next
    /// moment as the source port of one of the run's many client connections, and a daemon started on it failed
    /// with "Address already in use" while another process answered its health checks.
    public static func freePort() throws -> Int {
        for _ in 0..<Self.portRange.count {
            let port = Self.nextPort.withLock { next in
                defer { next = next + 1 < Self.portRange.upperBound ? next + 1 : Self.portRange.lowerBound }
                return next
            }
            if Self.canBind(port) { return port }
        }
        throw DaemonFailed(name: "port", log: "no free port in \(Self.portRange)")
    }

    private static let portRange = 20_000..<32_000
    private static let nextPort = Mutex(Int.random(in: portRange))

    private static func canBind(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 }
        }
    }

    deinit {
        for process in processes.values where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        releaseSlot()
    }
}

/// How many sets of the six daemons one test run has running at once: two.
///
/// Every pipeline suite starts six daemons, and suites run in parallel: a dozen sets starting together on a
/// two-core machine (each daemon creating its topics and indexes on the one broker and database process) starved
/// the test process itself, and tests of every kind timed out in the first minute and a half of a CI run.
public final class DaemonSlots: Sendable {
    public static let shared = DaemonSlots(count: 2)

    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(free: count))
    }

    /// Waits for a free slot and takes it.
    public func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                guard state.free > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.free -= 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    /// Gives a slot back: to the longest waiter, if any.
    public func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}

public struct DaemonFailed: Error, CustomStringConvertible {
    public let name: String
    public let log: String
    public var description: String { "\(name) did not become ready; its log ends with:\n\(log)" }
}
