import Foundation
import SwitchboardMongo

/// Runs one scenario: the steady stream, the fault injected after `before` seconds, the stream going on for
/// `after` seconds once the fault ended; then follows every accepted message until it is stored and replied,
/// nothing moves any more, or the drain timeout passes.
struct FaultsRunner: Sendable {
    /// The sizes and bounds every scenario shares.
    struct Settings: Sendable {
        var rate: Double
        var before: Duration
        var after: Duration
        var connections: Int
        var drainTimeout: Duration
        var settle: Duration
        var whatsappShare: Double
        /// The daemons' circuit-breaker cool-down in seconds (`SWITCHBOARD_PROVIDER_BREAKER_COOL_DOWN_MS`).
        var breakerCoolDown: Double
    }

    let settings: Settings
    let targets: FaultsTargets
    let broker: FaultsBroker
    let client: MongoClient
    let replay: FaultsReplay
    /// The stream for a scenario's run id and phone prefix.
    let load: @Sendable (_ run: String, _ phonePrefix: String) -> FaultsLoad
    /// Where the daemons log.
    let logFolder: String
    /// Unique digits of this suite run.
    let suiteRun: Int

    /// A scenario's result and its ledger (kept for the recount at the end of the suite).
    struct Result: Sendable {
        var outcome: FaultsOutcome
        var ledger: FaultsLedger
        var evidence: FaultsEvidence
    }

    func run(_ scenario: FaultsScenario, number: Int) async throws -> Result {
        let evidence = FaultsEvidence.mark(logFolder)
        let scenarioStart = Date()
        let stream = load("\(suiteRun)-\(number)", "4\(suiteRun)\(String(format: "%02d", number))")
        // The stream covers the fault and `after`; a second instance also needs time to join and leave.
        var span = settings.before + scenario.duration + settings.after
        if case .rebalance = scenario.kind { span += .seconds(8) }
        let count = max(1, Int((settings.rate * (span / .seconds(1))).rounded()))
        let settings = self.settings
        let targets = self.targets
        let wall = WallClock()
        let recorder = FaultsRecorder(count: count)
        async let streamed = FaultsDeadline.run(span + .seconds(150)) {
            try await HTTPPool.with(base: targets.daemons.webhookBase, connections: settings.connections) { pool in
                try await stream.drive(
                    pool, rate: settings.rate, count: count, wall: wall, answerTimeout: .seconds(90), recorder: recorder
                )
            }
        }
        async let fault = { () async throws -> FaultsScenario.Injected in
            try await Task.sleep(for: settings.before)
            return try await scenario.inject(into: targets)
        }()
        let injected: FaultsScenario.Injected
        var notes: [String]
        do {
            injected = try await fault
            notes = injected.notes
            if try await streamed == nil {
                notes.append("the stream's connections were still busy \(span + .seconds(150)) after it began")
            }
        } catch {
            targets.stack.thaw(.broker)
            targets.stack.thaw(.database)
            targets.vendor.set(.healthy)
            throw error
        }
        let messages = recorder.messages(unanswered: "no answer")
        let streamEnd = ContinuousClock().now
        let ledger = FaultsLedger(messages: messages, client: client, vendor: targets.vendor)
        var replayed: Int?
        if case .vendorOutage = scenario.kind {
            let (count, note) = await replayDeadLetters(since: injected.start, healed: injected.end)
            replayed = count
            notes.append(note)
        }
        let end = await drain(ledger)
        // A last look at every message, refused ones included (stored anyway?) and complete ones (twice?).
        _ = try? await FaultsDeadline.run(.seconds(300)) { try await ledger.refresh(messages) }
        var outcome = FaultsOutcome.tally(
            fault: scenario.name, description: scenario.description, start: injected.start, end: injected.end,
            ledger: ledger)
        outcome.drainEnd = end
        outcome.drainSeconds = WallClock.seconds(ContinuousClock().now - streamEnd)
        outcome.replayed = replayed
        outcome.notes = notes
        let letters =
            (try? await FaultsDeadline.run(.seconds(30)) { try await broker.deadLetters(since: scenarioStart) })
        for letter in (letters ?? nil) ?? [] { outcome.deadLetters[letter.letter.stage, default: 0] += 1 }
        outcome.examples = examples(ledger, evidence: evidence)
        outcome.notes += evidence.problems().map { "log: " + $0 }
        return Result(outcome: outcome, ledger: ledger, evidence: evidence)
    }

    /// Follows the accepted messages until all are stored and replied; or until nothing has moved for
    /// `settle` while no stage has lag; or until the drain timeout. Why it stopped.
    private func drain(_ ledger: FaultsLedger) async -> String {
        let clock = ContinuousClock()
        let start = clock.now
        var lastProgress = clock.now
        while true {
            let began = clock.now
            let moved = (try? await FaultsDeadline.run(.seconds(120)) { try await ledger.refresh() }) ?? nil
            let took = clock.now - began
            if let moved, moved > 0 { lastProgress = clock.now }
            if ledger.pending.isEmpty { return "complete" }
            if clock.now - start > settings.drainTimeout { return "timeout" }
            // Only a look that finished can say that nothing moved.
            if moved != nil, clock.now - lastProgress > settings.settle {
                let lag = (try? await FaultsDeadline.run(.seconds(20)) { try await broker.lag() }) ?? nil
                if lag == 0 { return "settled" }
            }
            // The checks share the database with the pipeline they measure: at most a tenth of its time.
            // Replies are timed by their own created_at and the vendor's clock, so looking less often only
            // delays noticing the end. A look held up by a frozen or restarting database says nothing of its
            // load: the pause stays between 1 and 10 s.
            try? await Task.sleep(for: min(.seconds(10), max(.seconds(1), took * 9)))
        }
    }

    /// After the vendor recovered: waits until the stages have no lag (every failed send is dead-lettered)
    /// and the circuit may let sends through again (the vendor accepted one since it recovered, or the
    /// breaker's cool-down has passed since), then replays the outbound stage's dead letters since the fault
    /// began.
    private func replayDeadLetters(since start: Date, healed: Date) async -> (Int, String) {
        let clock = ContinuousClock()
        let deadline = clock.now + settings.drainTimeout
        var waited = "stages idle and the circuit past its cool-down"
        while true {
            let lag = (try? await FaultsDeadline.run(.seconds(20)) { try await broker.lag() }) ?? nil
            let sentSince = (targets.vendor.lastAccepted ?? .distantPast) > healed
            if lag == 0, sentSince || Date() > healed.addingTimeInterval(settings.breakerCoolDown + 3) { break }
            if clock.now > deadline {
                waited = "drain timeout (lag \(lag.map(String.init) ?? "unknown"))"
                break
            }
            try? await Task.sleep(for: .seconds(1))
        }
        let found = (try? await FaultsDeadline.run(.seconds(60)) { try await broker.deadLetters(since: start) })
        let letters = ((found ?? nil) ?? []).filter { $0.letter.stage == "channel-webhook-outbound" }
        let began = clock.now
        let replayStart = Date()
        let (replayed, failure) = await replay.replay(letters)
        let note = String(
            format: "replayed %d of %d outbound dead letters with `switchboard deadletter replay` (after %@, "
                + "%.0f s after the vendor recovered) in %.1f s", replayed, letters.count, waited,
            replayStart.timeIntervalSince(healed), WallClock.seconds(clock.now - began))
        return (replayed, note + (failure.map { "; first failure: \($0)" } ?? ""))
    }

    /// Up to three lost and three duplicated messages, with what the store, the vendor and the logs show.
    private func examples(_ ledger: FaultsLedger, evidence: FaultsEvidence) -> [String] {
        let fates = ledger.fates
        let lost = ledger.messages.filter { $0.accepted && !ledger.isComplete($0) }.prefix(3)
        let duplicated = ledger.messages.filter { message in
            guard let fate = fates[message.id] else { return false }
            return Set(fate.replies.map(\._id)).count > 1 || fate.sends.count > 1
        }.prefix(3)
        let chosen = Array(lost) + Array(duplicated)
        let logs = evidence.about(chosen.map(\.traceId))
        return chosen.map { message in
            let fate = fates[message.id] ?? FaultsLedger.Fate()
            let replies = fate.replies.map { "\($0._id) \($0.status ?? "?")\($0.error.map { " (\($0))" } ?? "")" }
            let kind = ledger.isComplete(message) ? "duplicated" : "lost"
            var text = "\(kind): \(message.channel.rawValue) message \(message.id) (trace \(message.traceId)), "
            text += "due \(FaultsReport.time(message.due)), answered \(message.status); "
            text += "inbound stored: \(fate.stored ? "yes" : "no"); replies stored: "
            text += replies.isEmpty ? "none" : replies.joined(separator: ", ")
            if message.channel == .whatsapp { text += "; vendor sends: \(fate.sends.count)" }
            return text + "; " + (logs[message.traceId] ?? "")
        }
    }
}
