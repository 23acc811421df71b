import ArgumentParser
import Foundation
import NIOCore
import Synchronization

/// `switchboard-bench webhook`: signed WhatsApp webhooks at a fixed offered rate; how fast they are acked.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Open loop: signed WhatsApp webhooks to channel-webhook; acknowledged rate and ack latencies.",
        discussion: """
            Builds --rate x --seconds WhatsApp Cloud API webhooks (distinct message ids, --customers phone \
            numbers), signed with SWITCHBOARD_TENANT_<ID>_WHATSAPP_APP_SECRET, before timing; then posts them \
            to /webhooks/whatsapp/<tenant> at fixed intervals over --connections keep-alive connections. \
            channel-webhook answers 200 once the broker has the message. Ack latency is from each webhook's due \
            time to the complete answer (so time waiting for a free connection counts). --label names the \
            conditions (e.g. alone, pipeline) in the output and the results file. Replies to these messages \
            fail (the demo tenant has no WhatsApp account) and are dead-lettered.
            """
    )

    @Option(help: "Webhooks offered per second.") var rate = 5000.0
    @Option(help: "How long to offer them.") var seconds = 5.0
    @Option(help: "Keep-alive connections.") var connections = 64
    @Option(help: "Distinct customers (phone numbers).") var customers = 1000
    @Option(help: "Webhooks posted before timing (connections open, code paths warm; not counted).") var warmup = 200
    @Option(help: "What runs beside channel-webhook, for the output (e.g. alone, pipeline).") var label = "pipeline"
    @Option(help: "The tenant.") var tenant = "demo"
    @Option(help: "channel-webhook's base URL (default $SWITCHBOARD_WEBHOOK_URL or http://127.0.0.1:8080).")
    var webhook: String?
    @Option(help: "Seconds to wait for the last answer after the last send.") var timeout = 60
    @Flag(
        name: .customLong("health-only"),
        help: "Send GET /health/live instead of webhooks: the load generator's and HTTP server's own ceiling.")
    var healthOnly = false
    @OptionGroup var output: BenchResults

    var count: Int { max(1, Int((rate * seconds).rounded())) }

    func validate() throws {
        guard rate > 0, rate <= 100_000, seconds > 0, seconds <= 600 else {
            throw ValidationError("--rate must be in (0, 100000] and --seconds in (0, 600]")
        }
        guard connections >= 1, customers >= 1, warmup >= 0, timeout >= 1, !label.contains(" ") else {
            throw ValidationError("--connections, --customers, --timeout at least 1; --label one word")
        }
    }

    func run() async throws {
        let base = BenchEnvironment.webhookBase(webhook)
        let secret = try BenchEnvironment.credential("WHATSAPP_APP_SECRET", tenant: tenant)
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let hooks = WhatsAppWebhooks(tenant: tenant, appSecret: secret, run: run, customers: customers)
        let signed = healthOnly ? [] : hooks.make(count: warmup + count)
        let wall = WallClock()
        let (answers, schedule, deepest) = try await HTTPPool.with(base: base, connections: connections) { pool in
            try await BenchEnvironment.checkReady(pool, base: base)
            func job(
                _ index: Int, due: ContinuousClock.Instant, done: @escaping @Sendable (HTTPAnswer) -> Void
            ) -> HTTPJob {
                if healthOnly { return .get("/health/live", host: pool.authority, completion: done) }
                let hook = signed[index]
                return .post(
                    hooks.path, host: pool.authority,
                    headers: [("Content-Type", "application/json"), ("X-Hub-Signature-256", hook.signature)],
                    body: hook.body, completion: done)
            }
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<warmup {
                    group.addTask {
                        _ = await withCheckedContinuation { c in
                            pool.submit(job(index, due: wall.now) { c.resume(returning: $0) })
                        }
                    }
                }
            }
            let answers = Mutex([(due: ContinuousClock.Instant, answer: HTTPAnswer)]())
            let loop = OpenLoop(rate: rate, count: count)
            let schedule = try await loop.drive(pool, clock: wall.clock) { index, due in
                job(warmup + index, due: due) { answer in answers.withLock { $0.append((due, answer)) } }
            }
            let deadline = wall.now + .seconds(timeout)
            while answers.withLock({ $0.count }) < count, wall.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            return (answers.withLock { $0 }, schedule, pool.queue.deepest)
        }
        try report(answers, schedule, deepest: deepest)
    }

    private func report(
        _ answers: [(due: ContinuousClock.Instant, answer: HTTPAnswer)], _ schedule: OpenLoop.Schedule, deepest: Int
    ) throws {
        var ack = Latencies()
        var service = Latencies()
        var statuses: [Int: Int] = [:]
        var lastAck = schedule.start
        for (due, answer) in answers {
            statuses[answer.status, default: 0] += 1
            guard answer.status == 200 else { continue }
            ack.add(WallClock.milliseconds(answer.answeredAt - due))
            service.add(WallClock.milliseconds(answer.answeredAt - answer.writtenAt))
            lastAck = max(lastAck, answer.answeredAt)
        }
        let ackedRate = Double(ack.count) / max(WallClock.seconds(lastAck - schedule.start), 0.001)
        printLine(
            String(
                format: "webhook ingest (%@): %d %@ at %.0f/s offered for %.0f s, %d connections, %d customers (%@)",
                label, count, healthOnly ? "GET /health/live (no webhooks)" : "signed WhatsApp webhooks", rate, seconds,
                connections, customers, BenchEnvironment.machine))
        let statusText = statuses.keys.sorted().map { "\($0 == 0 ? "no answer" : String($0)): \(statuses[$0]!)" }
        printLine("answers: " + statusText.joined(separator: ", ") + " of \(count) (200: the broker has it)")
        if let failure = answers.first(where: { $0.answer.status != 200 })?.answer {
            printLine("first failure: \(failure.failure ?? String(failure.bodyText.prefix(200)))")
        }
        printLine(
            String(
                format: "rates: %.0f/s offered (sent at most %.1f ms late, %d waited for a connection at most), "
                    + "%.0f/s acknowledged", schedule.offeredRate, WallClock.milliseconds(schedule.worstLateness),
                deepest, ackedRate))
        var table = Table("latency (ms)", "n", "p50", "p95", "p99", "max")
        table.rows.append(["ack from due time", "\(ack.count)"] + ack.cells)
        table.rows.append(["ack from write", "\(service.count)"] + service.cells)
        printLine(table.render())
        try output.record([
            ("webhook_\(label)_rate", ackedRate), ("webhook_\(label)_offered", rate),
            ("webhook_\(label)_p50_ms", ack.percentile(50) ?? .infinity),
            ("webhook_\(label)_p99_ms", ack.percentile(99) ?? .infinity),
            ("webhook_\(label)_failed", Double(count - ack.count)),
        ])
    }
}
