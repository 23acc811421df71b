import ArgumentParser
import Foundation
import SwitchboardStages

/// `switchboard-bench faults`: faults injected under a steady stream, and what each cost (deploy/local/faults.sh).
struct FaultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Inject faults under a steady stream; print accepted, stored, replied, lost, duplicated, recovery.",
        discussion: """
            Needs the local stack running from --stack-dir (deploy/local/faults.sh starts it). Starts its own six \
            daemons from --bin on free ports (logs and pids in --folder) for tenant --tenant with fresh secrets, and \
            a fake WhatsApp Cloud API they send replies to, which counts sends per customer. Then, per fault: a \
            steady stream of web chat messages and signed WhatsApp webhooks (--rate per second, each from its \
            own customer with its own id), the fault --before seconds in, the stream going on --after seconds \
            once it ended; then every accepted message is followed until it is stored and replied. Faults: each \
            daemon SIGKILLed and restarted after --kill-pause; the broker and the database frozen (SIGSTOP) for \
            --freeze; the database SIGKILLed and restarted on its storage path after --database-down; the \
            vendor answering 500 then 429 for --vendor-outage, followed by `switchboard deadletter replay` of the \
            outbound dead letters; a second instance of session and of channel-webhook joining for \
            --rebalance-hold, then leaving. Prints a line per fault, then the table and the details; writes the \
            figures as JSON to --results. Exit 0 when every fault was measured, whatever the figures.
            """
    )

    @Flag(help: "Smaller numbers: 20 messages/s, 5 s before and after, 10 s freezes, 20 s vendor outage.")
    var quick = false
    @Option(help: "Messages per second in every scenario (default 40, quick 20).") var rate: Double?
    @Option(help: "Messages in the whole run: sets the rate to this over the stream's total time.") var messages: Int?
    @Option(help: "Only these faults, comma-separated (see the discussion; e.g. kill-session,broker-freeze).")
    var faults: String?
    @Option(help: "Seconds of stream before each fault (default 10, quick 5).") var before: Int?
    @Option(help: "Seconds of stream after each fault ended (default 10, quick 5).") var after: Int?
    @Option(name: .customLong("kill-pause"), help: "Seconds a killed daemon stays down.") var killPause = 2
    @Option(help: "Seconds the broker and the database stay frozen (default 30, quick 10).") var freeze: Int?
    @Option(name: .customLong("database-down"), help: "Seconds the killed database stays down (default 30, quick 10).")
    var databaseDown: Int?
    @Option(
        name: .customLong("vendor-outage"), help: "Seconds the vendor fails: half 500, half 429 (default 60, quick 20)."
    )
    var vendorOutage: Int?
    @Option(name: .customLong("rebalance-hold"), help: "Seconds a second instance stays (default 20, quick 12).")
    var rebalanceHold: Int?
    @Option(
        name: .customLong("drain-timeout"),
        help: "Most seconds to follow messages after the stream (default 180, quick 120).")
    var drainTimeout: Int?
    @Option(help: "Seconds without progress and without lag after which the rest counts as lost.") var settle = 15
    @Option(help: "HTTP connections of the stream.") var connections = 64
    @Option(name: .customLong("whatsapp-share"), help: "Share of the messages sent as WhatsApp webhooks.")
    var whatsappShare = 0.5
    @Option(name: .customLong("replay-concurrency"), help: "`switchboard deadletter replay` commands at once.")
    var replayConcurrency = 4
    @Option(name: .customLong("vendor-rate"), help: "SWITCHBOARD_WHATSAPP_RATE_PER_SECOND for the daemons.")
    var vendorRate = 200
    @Option(help: "Where the daemons and `switchboard` are (default: beside this executable).") var bin: String?
    @Option(name: .customLong("stack-dir"), help: "The stack's folder (default $SWITCHBOARD_STACK_DIR).")
    var stackDir: String?
    @Option(help: "The project's virtual environment (secantusd-py).") var venv = ".venv"
    @Option(help: "Where the daemons' logs and pid files go.") var folder = ".local/faults/daemons"
    @Option(name: .customLong("tenants-file"), help: "The tenants file the daemons read.")
    var tenantsFile = "deploy/tenants.yaml"
    @Option(help: "The tenant the stream writes as.") var tenant = "demo"
    @Option(help: "Write the figures as JSON to this file.") var results: String?
    @Option(help: "The commit measured, for the results file.") var commit = "unknown"

    func validate() throws {
        guard (rate ?? 1) > 0, (rate ?? 1) <= 1000, (messages ?? 1) >= 1, killPause >= 0, settle >= 1,
            connections >= 1, (0...1).contains(whatsappShare), replayConcurrency >= 1, vendorRate >= 1
        else { throw ValidationError("--rate in (0, 1000]; --messages, --settle, --connections at least 1") }
        for value in [before, after, freeze, databaseDown, vendorOutage, rebalanceHold, drainTimeout] {
            guard (value ?? 1) >= 1, (value ?? 1) <= 3600 else {
                throw ValidationError("durations are whole seconds from 1 to 3600")
            }
        }
        let known = Set(chosenScenarios(all: true).map(\.name))
        for name in requested where !known.contains(name) {
            throw ValidationError("unknown fault \(name); known: \(known.sorted().joined(separator: ", "))")
        }
    }

    private var requested: [String] {
        (faults ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func chosenScenarios(all: Bool = false) -> [FaultsScenario] {
        let every = FaultsScenario.all(
            killPause: .seconds(killPause), freeze: .seconds(freeze ?? (quick ? 10 : 30)),
            databaseDown: .seconds(databaseDown ?? (quick ? 10 : 30)),
            vendor: .seconds(vendorOutage ?? (quick ? 20 : 60)), rebalance: .seconds(rebalanceHold ?? (quick ? 12 : 20))
        )
        guard !all, !requested.isEmpty else { return every }
        return every.filter { requested.contains($0.name) }
    }

    func run() async throws {
        let scenarios = chosenScenarios()
        let beforeSeconds = before ?? (quick ? 5 : 10)
        let afterSeconds = after ?? (quick ? 5 : 10)
        let streamSeconds = scenarios.reduce(0.0) {
            $0 + Double(beforeSeconds + afterSeconds) + $1.duration / .seconds(1)
        }
        let rate = messages.map { Double($0) / streamSeconds } ?? rate ?? (quick ? 20 : 40)
        let variables = BenchEnvironment.variables
        let settings = FaultsRunner.Settings(
            rate: rate, before: .seconds(beforeSeconds), after: .seconds(afterSeconds), connections: connections,
            drainTimeout: .seconds(drainTimeout ?? (quick ? 120 : 180)), settle: .seconds(settle),
            whatsappShare: whatsappShare,
            breakerCoolDown: (variables["SWITCHBOARD_PROVIDER_BREAKER_COOL_DOWN_MS"].flatMap(Double.init) ?? 30_000)
                / 1000)
        let stack = FaultsStack(
            folder: stackDir ?? variables["SWITCHBOARD_STACK_DIR"] ?? ".local/stack-faults", venv: venv)
        guard stack.isRunning else {
            throw BenchFailure.usage("no stack running from \(stack.folder): start it with deploy/local/faults.sh")
        }
        let bin = self.bin ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let secrets = FaultsSecrets(tenant: tenant)
        let vendor = FaultsVendor()
        FaultsReport.say(
            String(
                format: "== switchboard faults: %d faults, %.0f messages/s (%.0f%% WhatsApp), about %.0f messages; "
                    + "%@, %@", scenarios.count, rate, whatsappShare * 100, rate * streamSeconds,
                BenchEnvironment.machine, FaultsReport.time(Date()) + " UTC"))
        try await vendor.serve { vendorBase in
            var environment = variables
            environment.removeValue(forKey: TenantSecrets.fileVariable)
            environment.merge(secrets.variables) { _, ours in ours }
            environment["SWITCHBOARD_TENANTS_FILE"] = tenantsFile
            environment["SWITCHBOARD_WHATSAPP_API_BASE"] = vendorBase
            environment["SWITCHBOARD_WHATSAPP_RATE_PER_SECOND"] = String(vendorRate)
            environment["SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS"] = "0"
            // The whole stream comes from 127.0.0.1: no per-address limit (as deploy/local/daemons.sh).
            environment["SWITCHBOARD_WEBCHAT_RATE_PER_ADDRESS"] = "0"
            environment["SWITCHBOARD_KAFKA_SESSION_TIMEOUT_MS"] =
                variables["SWITCHBOARD_KAFKA_SESSION_TIMEOUT_MS"] ?? "6000"
            let daemons = try FaultsDaemons(bin: bin, folder: folder, environment: environment)
            do {
                try await measure(
                    scenarios, settings: settings, daemons: daemons, stack: stack, vendor: vendor,
                    environment: environment, secrets: secrets, bin: bin)
            } catch {
                await daemons.stopAll()
                throw error
            }
            await daemons.stopAll()
        }
    }

    private func measure(
        _ scenarios: [FaultsScenario], settings: FaultsRunner.Settings, daemons: FaultsDaemons, stack: FaultsStack,
        vendor: FaultsVendor, environment: [String: String], secrets: FaultsSecrets, bin: String
    ) async throws {
        FaultsReport.say("starting the six daemons (logs in \(folder))")
        try await daemons.ensureAll()
        let client = try await BenchEnvironment.database()
        let broker = try FaultsBroker(environment: environment)
        let suiteRun = Int.random(in: 10_000...99_999)
        let (tenant, whatsappShare) = (self.tenant, settings.whatsappShare)
        let runner = FaultsRunner(
            settings: settings,
            targets: FaultsTargets(daemons: daemons, stack: stack, vendor: vendor, environment: environment),
            broker: broker, client: client,
            replay: FaultsReplay(cli: "\(bin)/switchboard", environment: environment, concurrency: replayConcurrency),
            load: { run, prefix in
                FaultsLoad(
                    tenant: tenant, apiKey: secrets.apiKey, appSecret: secrets.appSecret,
                    phoneNumberId: secrets.phoneNumberId, run: run, phonePrefix: prefix, whatsappShare: whatsappShare)
            }, logFolder: folder, suiteRun: suiteRun)
        try await warmUp(runner, daemons: daemons)
        var done: [FaultsRunner.Result] = []
        for (number, scenario) in scenarios.enumerated() {
            var notes: [String] = []
            let restarted = try await daemons.ensureAll()
            if !restarted.isEmpty {
                notes.append("had to start again before the fault: \(restarted.joined(separator: ", "))")
            }
            let lag = await quiet(broker)
            if lag != 0 { notes.append("stages not idle before the fault (lag \(lag.map(String.init) ?? "unknown"))") }
            FaultsReport.say("-- \(scenario.name): \(scenario.description)")
            var result = try await runner.run(scenario, number: number + 1)
            result.outcome.notes = notes + result.outcome.notes
            FaultsReport.say(FaultsReport.progress(result.outcome))
            done.append(result)
        }
        // Late duplicates (a redelivery after a scenario's checks ended) count where their message belongs.
        var outcomes: [FaultsOutcome] = []
        for result in done {
            _ = try? await FaultsDeadline.run(.seconds(300)) { try await result.ledger.refresh(result.ledger.messages) }
            var outcome = FaultsOutcome.tally(
                fault: result.outcome.fault, description: result.outcome.description, start: result.outcome.faultStart,
                end: result.outcome.faultEnd, ledger: result.ledger)
            outcome.drainSeconds = result.outcome.drainSeconds
            outcome.drainEnd = result.outcome.drainEnd
            outcome.deadLetters = result.outcome.deadLetters
            outcome.replayed = result.outcome.replayed
            outcome.notes = result.outcome.notes
            outcome.examples = result.outcome.examples
            outcomes.append(outcome)
        }
        FaultsReport.say("")
        FaultsReport.say("== faults (\(BenchEnvironment.machine); commit \(commit))")
        FaultsReport.say(FaultsReport.table(outcomes))
        FaultsReport.say("")
        for line in FaultsReport.details(outcomes) { FaultsReport.say(line) }
        if let results {
            try FaultsReport.write(
                FaultsReport.Results(
                    date: Date(), machine: BenchEnvironment.machine, commit: commit,
                    command: CommandLine.arguments.joined(separator: " "),
                    settings: [
                        "rate": String(settings.rate), "before_s": "\(settings.before)", "after_s": "\(settings.after)",
                        "whatsapp_share": String(settings.whatsappShare), "vendor_rate": String(vendorRate),
                    ], scenarios: outcomes), to: results)
            FaultsReport.say("")
            FaultsReport.say("figures written to \(results)")
        }
    }

    /// A few messages through the whole pipeline before any fault: groups joined, connections open.
    private func warmUp(_ runner: FaultsRunner, daemons: FaultsDaemons) async throws {
        let stream = runner.load("\(runner.suiteRun)-0", "4\(runner.suiteRun)00")
        let wall = WallClock()
        let recorder = FaultsRecorder(count: 20)
        try await HTTPPool.with(base: daemons.webhookBase, connections: 8) { pool in
            try await stream.drive(
                pool, rate: 10, count: 20, wall: wall, answerTimeout: .seconds(60), recorder: recorder)
        }
        let sent = recorder.messages(unanswered: "no answer")
        let ledger = FaultsLedger(messages: sent, client: runner.client, vendor: runner.targets.vendor)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        while clock.now < deadline {
            _ = try? await ledger.refresh()
            if ledger.pending.isEmpty, sent.allSatisfy(\.accepted) {
                FaultsReport.say("warm-up: 20 messages accepted, stored and replied")
                return
            }
            try await Task.sleep(for: .seconds(1))
        }
        let refused = sent.filter { !$0.accepted }
        throw BenchFailure.failed(
            "warm-up: \(refused.count) of 20 messages refused (first: \(refused.first?.failure ?? "-")), "
                + "\(ledger.pending.count) not stored and replied within 120 s; logs in \(folder)")
    }

    /// Waits up to a minute for every stage's lag to reach 0; the last lag read.
    private func quiet(_ broker: FaultsBroker) async -> Int64? {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        var lag: Int64?
        while clock.now < deadline {
            lag = (try? await FaultsDeadline.run(.seconds(20)) { try await broker.lag() }) ?? nil
            if lag == 0 { return 0 }
            try? await Task.sleep(for: .seconds(1))
        }
        return lag
    }
}
