import ArgumentParser
import Foundation
import Synchronization

/// `switchboard-bench open-loop`: web chat messages at a fixed offered rate, whatever the answers.
struct OpenLoopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open-loop",
        abstract: "Open loop: web chat messages at a fixed rate through the running daemons; reply latencies.",
        discussion: """
            Sends --rate messages per second for --seconds from --customers visitors in turn, at fixed \
            intervals whatever the answers (up to --connections requests in flight; more wait in the load \
            generator, timed from their due time). Reply latency is from the message's due time to its \
            reply's created_at in MongoDB. The pipeline kept up when every reply was stored within \
            --drain-ms of the last message's due time.
            """
    )

    @Option(help: "Messages offered per second.") var rate = 500.0
    @Option(help: "How long to offer them.") var seconds = 30.0
    @Option(help: "Distinct visitors, in turn (default: messages / 10).") var customers: Int?
    @Option(help: "HTTP connections (requests in flight at most).") var connections = 128
    @Option(name: .customLong("drain-ms"), help: "Bound after the last send within which every reply must be stored.")
    var drainMilliseconds = 1000
    @Option(help: "Messages sent and answered before timing starts (not counted).") var warmup = 16
    @Option(help: "The tenant.") var tenant = "demo"
    @Option(help: "channel-webhook's base URL (default $SWITCHBOARD_WEBHOOK_URL or http://127.0.0.1:8080).")
    var webhook: String?
    @Option(help: "Seconds to wait for the last reply after the last send.") var timeout = 120
    @Option(name: .customLong("poll-ms"), help: "How often to look for stored replies.") var pollMilliseconds = 250
    @OptionGroup var output: BenchResults

    var count: Int { max(1, Int((rate * seconds).rounded())) }
    var visitors: Int { min(count, customers ?? max(1, count / 10)) }

    func validate() throws {
        guard rate > 0, rate <= 100_000, seconds > 0, seconds <= 3600 else {
            throw ValidationError("--rate must be in (0, 100000] and --seconds in (0, 3600]")
        }
        guard connections >= 1, drainMilliseconds >= 0, warmup >= 0, timeout >= 1, pollMilliseconds >= 1,
            (customers ?? 1) >= 1
        else { throw ValidationError("--connections, --customers, --timeout and --poll-ms must be at least 1") }
    }

    func run() async throws {
        let base = BenchEnvironment.webhookBase(webhook)
        let key = try BenchEnvironment.credential("API_KEY", tenant: tenant)
        let client = try await BenchEnvironment.database()
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let wall = WallClock()
        let (outcome, schedule) = try await HTTPPool.with(base: base, connections: connections) { pool in
            try await BenchEnvironment.checkReady(pool, base: base)
            if warmup > 0 {
                let watcher = ReplyWatcher(client: client, tenant: tenant)
                let load = WebChatLoad(apiKey: key, run: run + "-w", wall: wall)
                try await watcher.follow(pollMilliseconds: pollMilliseconds, timeout: timeout) {
                    await load.closedLoop(pool: pool, customers: warmup, messages: warmup, concurrency: warmup) {
                        if let id = $0.messageId { watcher.expect(id, sentAt: $0.sentAt) }
                    }
                }
            }
            let watcher = ReplyWatcher(client: client, tenant: tenant)
            let load = WebChatLoad(apiKey: key, run: run, wall: wall)
            let answers = Mutex([WebChatLoad.Answer]())
            let schedule = Mutex<OpenLoop.Schedule?>(nil)
            let (count, visitors, rate) = (count, visitors, rate)
            try await watcher.follow(pollMilliseconds: pollMilliseconds, timeout: Int(seconds) + timeout) {
                let loop = OpenLoop(rate: rate, count: count)
                let done = try await loop.drive(pool, clock: wall.clock) { index, due in
                    load.job(visitor: index % visitors, sequence: index / visitors, due: due, host: pool.authority) {
                        answer in
                        if let id = answer.messageId, answer.failure == nil {
                            watcher.expect(id, sentAt: answer.sentAt)
                        }
                        answers.withLock { $0.append(answer) }
                    }
                }
                schedule.withLock { $0 = done }
                // Every answer must be in before the watcher may conclude that nothing is pending.
                while answers.withLock({ $0.count }) < count { try await Task.sleep(for: .milliseconds(20)) }
            }
            let done = schedule.withLock { $0 }!
            let outcome = LoadOutcome(
                answers: answers.withLock { $0 }, found: watcher.found, startedAt: wall.date(done.start))
            return (outcome, done)
        }
        try report(outcome, schedule, wall: wall)
    }

    private func report(_ outcome: LoadOutcome, _ schedule: OpenLoop.Schedule, wall: WallClock) throws {
        let lastDue = wall.date(OpenLoop(rate: rate, count: count).due(count - 1, from: schedule.start))
        let drained = outcome.lastStored.timeIntervalSince(lastDue) * 1000
        let keptUp = outcome.found.count == count && drained <= Double(drainMilliseconds)
        let reply = outcome.reply
        printLine(
            String(
                format: "open loop: %d web chat messages from %d visitors at %.0f/s offered for %.0f s, "
                    + "%d connections (%@)", count, visitors, rate, seconds, connections, BenchEnvironment.machine))
        outcome.printAnswers()
        printLine(
            String(
                format: "rates: %.1f/s offered (sent at most %.1f ms late), %.1f/s acknowledged, "
                    + "%.1f/s replies stored (%d of %d)", schedule.offeredRate,
                WallClock.milliseconds(schedule.worstLateness), Double(outcome.acknowledged) / seconds,
                Double(outcome.found.count) / max(outcome.lastStored.timeIntervalSince(outcome.startedAt), 0.001),
                outcome.found.count, count))
        printLine(
            String(
                format: "kept up: %@ (last reply stored %.0f ms after the last send; bound %d ms)",
                keptUp ? "yes" : "no", drained, drainMilliseconds))
        printLine("")
        printLine(outcome.latencyTable(ackLabel: "http answer"))
        try output.record([
            ("open_loop_rate", rate), ("open_loop_p50_ms", reply.percentile(50) ?? .infinity),
            ("open_loop_p99_ms", reply.percentile(99) ?? .infinity),
            ("open_loop_max_ms", reply.percentile(100) ?? .infinity),
            ("open_loop_kept_up", keptUp ? 1 : 0),
        ])
    }
}
