import Foundation
import Logging
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// An engine with a fixed answer or failure.
struct FixedEngine: BotEngine {
    let kind: BotEngineKind
    var answer: BotAnswer?
    var error: BotEngineError?
    var wantsHistory: Bool { false }

    func answer(_ turn: BotTurn) async throws -> BotAnswer {
        if let error { throw error }
        return answer ?? BotAnswer(result: NLPResult(intent: "greet", confidence: 1), reply: "from \(kind)")
    }
}

/// An engine that answers only once released (or never): a slow endpoint, without timing.
final class GatedEngine: BotEngine {
    let kind: BotEngineKind = .llm
    var wantsHistory: Bool { false }
    private let state = Mutex(0)
    private let gate = TestGate()

    func release() { gate.open() }
    var entered: Int { state.withLock { $0 } }

    func answer(_ turn: BotTurn) async throws -> BotAnswer {
        state.withLock { $0 += 1 }
        try await gate.wait()
        return BotAnswer(result: NLPResult(intent: nil, confidence: 1), reply: "slow but sure")
    }
}

/// Numbers appended from several tasks.
final class Recorded: Sendable {
    private let state = Mutex<[Int]>([])
    func append(_ value: Int) { state.withLock { $0.append(value) } }
    var values: [Int] { state.withLock { $0 } }
}

@Suite("Engine chains: fallback, timeouts, per-tenant permits")
struct BotEngineChainTests {
    let logger = TestStack.logger("bot-chain")

    func chain(
        _ tenant: String, _ engines: [any BotEngine], timeout: Duration = .seconds(30), limit: Int = 4,
        permits: TenantPermits = TenantPermits()
    ) -> EngineChain {
        EngineChain(
            tenantId: tenant, engines: engines, timeout: timeout, maxConcurrent: limit, permits: permits,
            metrics: BotMetrics())
    }

    func turn(_ tenant: String = "a") -> BotTurn { BotTurn(tenantId: tenant, text: "hi", messageId: UUID()) }

    @Test func theFirstEngineThatAnswersWins() async {
        let failing = FixedEngine(kind: .llm, error: BotEngineError(.unavailable, "down"))
        let outcome = await chain("a", [failing, FixedEngine(kind: .rasa), FixedEngine(kind: .builtin)])
            .run(turn(), logger: logger)
        guard case .answered(let answer, let engine, _) = outcome else {
            Issue.record("the chain gave up")
            return
        }
        #expect(engine == .rasa)
        #expect(answer.reply == "from rasa")
    }

    @Test func whenNoEngineAnswersTheChainSaysWhyEachFailed() async {
        let outcome = await chain(
            "a",
            [
                FixedEngine(kind: .llm, error: BotEngineError(.circuitOpen, "paused")),
                FixedEngine(kind: .rasa, error: BotEngineError(.badAnswer, "html")),
            ]
        ).run(turn(), logger: logger)
        guard case .exhausted(let failures) = outcome else {
            Issue.record("an engine answered")
            return
        }
        #expect(failures.map(\.engine) == [.llm, .rasa])
        #expect(failures.map(\.error.code) == [.circuitOpen, .badAnswer])
    }

    @Test func anEngineThatNeverAnswersFallsThroughOnTheTimeout() async {
        let slow = GatedEngine()
        let outcome = await chain("a", [slow, FixedEngine(kind: .builtin)], timeout: .milliseconds(50))
            .run(turn(), logger: logger)
        guard case .answered(let answer, let engine, _) = outcome else {
            Issue.record("the chain gave up")
            return
        }
        #expect(engine == .builtin)
        #expect(answer.reply == "from builtin")
        #expect(slow.entered == 1)
    }

    @Test func aTenantAtItsLimitWaitsWhileOtherTenantsAreAnswered() async throws {
        let permits = TenantPermits()
        let slow = GatedEngine()
        let busy = chain("a", [slow, FixedEngine(kind: .builtin)], timeout: .seconds(600), limit: 1, permits: permits)
        let first = Task { await busy.run(turn("a"), logger: logger) }
        try await eventually("tenant a's call to hold its permit") { permits.inUse("a/llm") == 1 && slow.entered == 1 }

        // Tenant b shares the permits and the same kind of engine, and is answered while a is stuck.
        let other = await chain("b", [FixedEngine(kind: .llm)], limit: 1, permits: permits).run(
            turn("b"), logger: logger)
        guard case .answered(_, .llm, _) = other else {
            Issue.record("tenant b was not answered")
            return
        }

        // A second call of tenant a cannot get a permit: its timeout passes it to the next engine.
        let waiting = chain(
            "a", [slow, FixedEngine(kind: .builtin)], timeout: .milliseconds(50), limit: 1, permits: permits)
        guard case .answered(_, .builtin, _) = await waiting.run(turn("a"), logger: logger) else {
            Issue.record("the waiting call did not fall through")
            return
        }
        #expect(slow.entered == 1, "the second call never reached the engine")
        #expect(permits.waiting("a/llm") == 0, "the timed-out waiter left the queue")

        slow.release()
        guard case .answered(let answer, .llm, _) = await first.value else {
            Issue.record("the first call did not finish")
            return
        }
        #expect(answer.reply == "slow but sure")
        #expect(permits.inUse("a/llm") == 0)
    }

    @Test func permitsGoToWaitersInOrder() async throws {
        let permits = TenantPermits()
        let order = Recorded()
        let gate = GatedEngine()
        let holder = Task { try await permits.withPermit("t", limit: 1) { try await gate.answer(turn("t")) } }
        try await eventually("the holder to enter") { gate.entered == 1 }
        var waiters: [Task<Void, any Error>] = []
        for index in 0..<3 {
            waiters.append(Task { try await permits.withPermit("t", limit: 1) { order.append(index) } })
            try await eventually("waiter \(index) to queue") { permits.waiting("t") == index + 1 }
        }
        gate.release()
        _ = try await holder.value
        for waiter in waiters { try await waiter.value }
        #expect(order.values == [0, 1, 2])
        #expect(permits.inUse("t") == 0)
    }
}
