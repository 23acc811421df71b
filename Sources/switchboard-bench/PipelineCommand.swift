import ArgumentParser
import Foundation
import Synchronization

/// `switchboard-bench pipeline`: closed-loop web chat load through the six running daemons.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Closed loop: web chat visitors through the running daemons; throughput, latencies, RSS.",
        discussion: """
            Needs the local stack and the six daemons (deploy/local/bench.sh starts them): channel-webhook at \
            $SWITCHBOARD_WEBHOOK_URL with the key SWITCHBOARD_TENANT_<ID>_API_KEY, the database at \
            $SWITCHBOARD_MONGO_URI. --customers visitors with fixed ids share --messages messages; \
            --concurrency visitors are in flight at once, each sending its next message when channel-webhook \
            has answered the previous one (at once with 202 when the daemon's SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS \
            is 0, as bench.sh starts it; with the reply, 200, when it waits). End to end is replies stored \
            (found in MongoDB) over the time from the first send to the last reply's created_at.
            """
    )

    @Option(help: "Messages to send.") var messages = 2000
    @Option(help: "Distinct visitors sharing them (default: messages / 10, so ten each).") var customers: Int?
    @Option(help: "Visitors in flight at once (and HTTP connections).") var concurrency = 64
    @Option(help: "Messages sent and answered before timing starts (not counted).") var warmup = 16
    @Option(help: "The tenant.") var tenant = "demo"
    @Option(help: "channel-webhook's base URL (default $SWITCHBOARD_WEBHOOK_URL or http://127.0.0.1:8080).")
    var webhook: String?
    @Option(help: "Seconds to wait for the last reply.") var timeout = 300
    @Option(name: .customLong("poll-ms"), help: "How often to look for stored replies (their created_at is timed).")
    var pollMilliseconds = 500
    @Option(help: "Where deploy/local/daemons.sh keeps the daemons' pid files.") var daemons = ".local/daemons"
    @OptionGroup var output: BenchResults

    var visitors: Int { customers ?? max(1, messages / 10) }

    func validate() throws {
        guard messages >= 1, concurrency >= 1, timeout >= 1, warmup >= 0, pollMilliseconds >= 1, visitors >= 1
        else {
            throw ValidationError("--messages, --customers, --concurrency, --timeout and --poll-ms must be at least 1")
        }
        guard visitors <= messages else { throw ValidationError("--customers cannot exceed --messages") }
    }

    func run() async throws {
        let base = BenchEnvironment.webhookBase(webhook)
        let client = try await BenchEnvironment.database()
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let outcome = try await HTTPPool.with(base: base, connections: concurrency) { pool in
            try await BenchEnvironment.checkReady(pool, base: base)
            if warmup > 0 {
                // Consumer groups join and connections open on the first messages; those are not measured.
                let watcher = ReplyWatcher(client: client, tenant: tenant)
                _ = try await drive(pool, run: run + "-w", customers: warmup, messages: warmup, watcher: watcher)
                guard watcher.pendingCount == 0, watcher.found.count == warmup else {
                    throw BenchFailure.failed(
                        "the \(warmup) warm-up messages were not all answered within \(timeout) s")
                }
            }
            let watcher = ReplyWatcher(client: client, tenant: tenant)
            return try await drive(pool, run: run, customers: visitors, messages: messages, watcher: watcher)
        }
        report(outcome)
        try output.record([
            ("pipeline_\(messages)_rate", outcome.endToEndRate),
            ("pipeline_\(messages)_customers", Double(visitors)),
            ("pipeline_\(messages)_concurrency", Double(concurrency)),
        ])
        if outcome.found.count < messages {
            throw BenchFailure.failed(
                "\(messages - outcome.found.count) of \(messages) replies not stored within \(timeout) s")
        }
    }

    private func drive(
        _ pool: HTTPPool, run: String, customers: Int, messages: Int, watcher: ReplyWatcher
    ) async throws -> LoadOutcome {
        let load = WebChatLoad(
            apiKey: try BenchEnvironment.credential("API_KEY", tenant: tenant), run: run, wall: WallClock())
        let answers = Mutex([WebChatLoad.Answer]())
        let startedAt = Date()
        let concurrency = self.concurrency
        try await watcher.follow(pollMilliseconds: pollMilliseconds, timeout: timeout) {
            await load.closedLoop(pool: pool, customers: customers, messages: messages, concurrency: concurrency) {
                answer in
                if let id = answer.messageId, answer.failure == nil { watcher.expect(id, sentAt: answer.sentAt) }
                answers.withLock { $0.append(answer) }
            }
        }
        return LoadOutcome(answers: answers.withLock { $0 }, found: watcher.found, startedAt: startedAt)
    }

    private func report(_ outcome: LoadOutcome) {
        printLine(
            "closed loop: \(messages) web chat messages from \(visitors) visitors, \(concurrency) visitors in flight "
                + "(\(BenchEnvironment.machine))")
        outcome.printAnswers()
        printLine("replies stored: \(outcome.found.count) of \(outcome.answers.count)")
        let ackSeconds = outcome.lastAnswered.timeIntervalSince(outcome.startedAt)
        printLine(
            String(
                format: "throughput: %.1f messages/s acknowledged (%.2f s), %.1f messages/s end to end (%.2f s)",
                Double(outcome.acknowledged) / max(ackSeconds, 0.001), ackSeconds, outcome.endToEndRate,
                outcome.endToEndSeconds))
        printLine("")
        printLine(outcome.latencyTable())
        printLine("")
        printLine(DaemonMemory.table(pidDirectory: daemons))
    }
}
