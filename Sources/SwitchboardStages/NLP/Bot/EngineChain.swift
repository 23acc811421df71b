public import Logging
public import SwitchboardCore

/// A tenant's engines in the order they are asked (`bot.engine`, then `bot.fallback`), each call bounded.
///
/// Every call waits for one of the tenant's permits for that engine and answers within the tenant's
/// timeout, waiting included: a slow engine holds only its own tenant's messages, only that long, and never
/// the tenant's fallback engines. An engine that
/// fails, times out or has its circuit open is passed over for the next; when none answers, the caller
/// hands the conversation to a person.
public struct EngineChain: Sendable {
    /// What the chain made of a turn.
    public enum Outcome: Sendable {
        /// `engine` answered, after the engines before it failed as `passedOver` says.
        case answered(BotAnswer, engine: BotEngineKind, passedOver: [(engine: BotEngineKind, error: BotEngineError)])
        /// No engine answered; why each failed, in order.
        case exhausted([(engine: BotEngineKind, error: BotEngineError)])
    }

    public let tenantId: String
    public let engines: [any BotEngine]
    public let timeout: Duration
    public let maxConcurrent: Int
    let permits: TenantPermits
    let metrics: BotMetrics

    public init(
        tenantId: String, engines: [any BotEngine], timeout: Duration, maxConcurrent: Int, permits: TenantPermits,
        metrics: BotMetrics
    ) {
        self.tenantId = tenantId
        self.engines = engines
        self.timeout = timeout
        self.maxConcurrent = maxConcurrent
        self.permits = permits
        self.metrics = metrics
    }

    /// The permits an engine's calls for a tenant share: per engine, so that calls stuck at a slow engine
    /// leave the fallback engines free.
    public static func permitKey(_ tenantId: String, _ kind: BotEngineKind) -> String {
        "\(tenantId)/\(kind.rawValue)"
    }

    /// Whether an engine of the chain reads the session's earlier messages.
    public var wantsHistory: Bool { engines.contains { $0.wantsHistory } }

    /// Asks the engines in order until one answers.
    public func run(_ turn: BotTurn, logger: Logger) async -> Outcome {
        var failures: [(engine: BotEngineKind, error: BotEngineError)] = []
        for engine in engines {
            let clock = ContinuousClock()
            let started = clock.now
            do {
                let (permits, key, limit) = (permits, Self.permitKey(tenantId, engine.kind), maxConcurrent)
                let answer = try await withBotDeadline(timeout) {
                    try await permits.withPermit(key, limit: limit) { try await engine.answer(turn) }
                }
                metrics.engineCall(tenant: tenantId, engine: engine.kind, seconds: clock.now - started)
                metrics.answered(tenant: tenantId, engine: engine.kind)
                return .answered(answer, engine: engine.kind, passedOver: failures)
            } catch {
                let failure =
                    (error as? BotEngineError)
                    ?? (error is CancellationError
                        ? BotEngineError(.timeout, "cancelled") : BotEngineError(.unavailable, "\(type(of: error))"))
                metrics.engineCall(tenant: tenantId, engine: engine.kind, seconds: clock.now - started)
                metrics.engineError(tenant: tenantId, engine: engine.kind, code: failure.code.description)
                logger.warning(
                    "Bot engine failed; the next in the chain answers",
                    metadata: [
                        "engine": "\(engine.kind)", "code": "\(failure.code)", "reason": "\(failure.detail)",
                    ])
                failures.append((engine.kind, failure))
            }
        }
        return .exhausted(failures)
    }
}
