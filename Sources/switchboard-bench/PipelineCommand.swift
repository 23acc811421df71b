import ArgumentParser
import Foundation
import Logging
import SwitchboardMongo
import SwitchboardStages
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `switchboard-bench pipeline`: web chat load through the six running daemons, timed at the webhook and
/// in the store.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Send web chat messages through the running daemons; print throughput, latencies and RSS.",
        discussion: """
            Needs the local stack and the six daemons (deploy/local/bench.sh starts them): channel-webhook at \
            $SWITCHBOARD_WEBHOOK_URL with the key SWITCHBOARD_TENANT_<ID>_API_KEY, the database at \
            $SWITCHBOARD_MONGO_URI. Each message comes from a new visitor. Ack latency is the HTTP answer time \
            (it includes the daemon's reply wait, SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS: 0 makes it the time to \
            publish); reply latency is from sending to the reply's created_at in MongoDB.
            """
    )

    @Option(help: "Messages to send.") var messages = 500
    @Option(help: "Requests in flight at once.") var concurrency = 16
    @Option(help: "Messages sent and answered before timing starts (not counted).") var warmup = 16
    @Option(help: "The tenant.") var tenant = "demo"
    @Option(help: "channel-webhook's base URL (default $SWITCHBOARD_WEBHOOK_URL or http://127.0.0.1:8080).")
    var webhook: String?
    @Option(help: "Seconds to wait for the last reply.") var timeout = 180
    @Option(
        name: .customLong("poll-ms"),
        help: "How often to look for stored replies (their created_at is the measurement, so rarely is enough).")
    var pollMilliseconds = 500
    @Option(help: "Where deploy/local/daemons.sh keeps the daemons' pid files.") var daemons = ".local/daemons"

    static let daemonNames = [
        "channel-webhook", "customer-identification", "session", "message-router", "nlp-plugin", "human-handover",
    ]

    func validate() throws {
        guard messages >= 1, concurrency >= 1, timeout >= 1, warmup >= 0, pollMilliseconds >= 1 else {
            throw ValidationError("--messages, --concurrency, --timeout and --poll-ms must be at least 1")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let base = webhook ?? environment["SWITCHBOARD_WEBHOOK_URL"] ?? "http://127.0.0.1:8080"
        let keyName = TenantSecrets.variableStem(for: tenant) + "_API_KEY"
        let secrets: TenantSecrets
        do {
            secrets = try TenantSecrets.load(tenantIds: [tenant], environment: environment, otherTenantsAllowed: true)
        } catch {
            throw BenchFailure.usage(error.description)
        }
        guard let key = secrets.credential("API_KEY", tenantId: tenant) else {
            throw BenchFailure.usage("set \(keyName) (deploy/local/daemons.sh env prints it)")
        }
        try await Self.checkReady(base)
        let client = try await Self.database(environment)
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        if warmup > 0 {
            // Consumer groups join and connections open on the first messages; those are not measured.
            let load = WebChatLoad(base: base, apiKey: key, run: run + "-warmup", concurrency: concurrency)
            let watcher = ReplyWatcher(client: client, tenant: tenant)
            _ = try await drive(load, count: warmup, watcher: watcher)
            guard watcher.pendingCount == 0, watcher.found.count == warmup else {
                throw BenchFailure.failed("the \(warmup) warm-up messages were not all answered within \(timeout) s")
            }
        }
        printLine("switchboard-bench pipeline: \(messages) web chat messages, \(concurrency) at a time, to \(base)")
        let load = WebChatLoad(base: base, apiKey: key, run: run, concurrency: concurrency)
        let watcher = ReplyWatcher(client: client, tenant: tenant)
        let startedAt = Date()
        let answers = try await drive(load, count: messages, watcher: watcher)
        report(answers: answers, found: watcher.found, startedAt: startedAt)
        if watcher.found.count < messages {
            throw BenchFailure.failed(
                "\(messages - watcher.found.count) of \(messages) replies not stored within \(timeout) s")
        }
    }

    /// Sends `count` messages and polls the store until every reply is there or --timeout passes.
    private func drive(_ load: WebChatLoad, count: Int, watcher: ReplyWatcher) async throws -> [WebChatLoad.Answer] {
        let answers = Mutex([WebChatLoad.Answer]())
        let clock = ContinuousClock()
        let started = clock.now
        async let sending: Void = load.send(count: count) { answer in
            if let id = answer.messageId, answer.failure == nil { watcher.expect(id, sentAt: answer.sentAt) }
            answers.withLock { $0.append(answer) }
        }
        while true {
            try await Task.sleep(for: .milliseconds(pollMilliseconds))
            let sent = answers.withLock { $0.count } == count
            try await watcher.poll()
            if sent && watcher.pendingCount == 0 { break }
            if clock.now - started > .seconds(timeout) { break }
        }
        await sending
        return answers.withLock { $0 }
    }

    private func report(answers: [WebChatLoad.Answer], found: [ReplyWatcher.Found], startedAt: Date) {
        var ack = Latencies()
        var statuses: [Int: Int] = [:]
        for answer in answers {
            statuses[answer.status, default: 0] += 1
            if answer.failure == nil { ack.add(answer.milliseconds) }
        }
        var reply = Latencies()
        for item in found { reply.add(max(0, item.storedAt.timeIntervalSince(item.sentAt) * 1000)) }
        let lastStored = found.map(\.storedAt).max() ?? startedAt
        let endToEnd = lastStored.timeIntervalSince(startedAt)
        let lastAck = answers.map { $0.sentAt.addingTimeInterval($0.milliseconds / 1000) }.max() ?? startedAt
        let ackSeconds = lastAck.timeIntervalSince(startedAt)

        printLine("")
        let statusText = statuses.keys.sorted().map { "\($0 == 0 ? "no answer" : String($0)): \(statuses[$0]!)" }
        printLine("answers: " + statusText.joined(separator: ", ") + " (202: acknowledged, 200: with the reply)")
        if let failure = answers.first(where: { $0.failure != nil })?.failure {
            printLine("first failure: \(failure)")
        }
        printLine("replies stored: \(found.count) of \(answers.count)")
        printLine(
            String(
                format: "throughput: %.1f messages/s acknowledged (%.2f s), %.1f messages/s end to end (%.2f s)",
                Double(ack.count) / max(ackSeconds, 0.001), ackSeconds, Double(found.count) / max(endToEnd, 0.001),
                endToEnd))
        printLine("")
        var table = Table("latency (ms)", "n", "p50", "p95", "p99", "max")
        table.rows.append(["webhook ack", "\(ack.count)"] + ack.cells)
        table.rows.append(["reply stored", "\(reply.count)"] + reply.cells)
        printLine(table.render())
        printLine("")
        var memory = Table("daemon", "pid", "RSS", "peak RSS")
        for name in Self.daemonNames {
            let pidText = (try? String(contentsOfFile: "\(daemons)/\(name).pid", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard let pidText, let pid = Int32(pidText), let usage = ProcessMemory.of(pid: pid) else {
                memory.add(name, pidText ?? "-", "not running", "-")
                continue
            }
            memory.add(name, pidText, formatBytes(usage.residentBytes), formatBytes(usage.peakResidentBytes))
        }
        printLine(memory.render())
    }

    /// channel-webhook answers `/health/ready`, or exit 2 saying how to start it.
    private static func checkReady(_ base: String) async throws {
        guard let url = URL(string: base + "/health/ready") else { throw BenchFailure.usage("bad URL \(base)") }
        let status: Int
        do {
            let (_, response) = try await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 5))
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
        } catch {
            status = 0
        }
        guard status == 200 else {
            throw BenchFailure.usage(
                "channel-webhook at \(base) is not ready (start the stack and daemons: deploy/local/bench.sh)")
        }
    }

    /// The pipeline's database after a ping.
    private static func database(_ environment: [String: String]) async throws -> MongoClient {
        var logger = Logger(label: "switchboard-bench")
        logger.logLevel = .critical
        do {
            let client = try MongoClient(
                configuration: try MongoConfiguration(environment: environment), logger: logger)
            try await client.ping()
            return client
        } catch {
            throw BenchFailure.usage("MongoDB at $SWITCHBOARD_MONGO_URI unreachable: \(error)")
        }
    }
}
