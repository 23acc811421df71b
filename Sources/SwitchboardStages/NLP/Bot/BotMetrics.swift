public import Metrics
import SwitchboardCore

/// The bot's metrics, labelled by tenant (tenants come from the tenants file, so the series are bounded):
///
/// | series | labels |
/// | --- | --- |
/// | `switchboard_bot_engine_seconds` (histogram) | `tenant`, `engine` |
/// | `switchboard_bot_engine_errors_total` | `tenant`, `engine`, `code` |
/// | `switchboard_bot_answers_total` | `tenant`, `engine` |
/// | `switchboard_llm_tokens_total` | `tenant`, `direction` (`input`, `output`) |
/// | `switchboard_llm_cost_total` | `tenant` (tokens times the tenant's configured prices) |
/// | `switchboard_llm_cache_hits_total` | `tenant` |
/// | `switchboard_bot_actions_total` | `tenant`, `action`, `outcome` |
public struct BotMetrics: Sendable {
    let factory: any MetricsFactory

    /// Metrics in `factory`: the global one a daemon bootstrapped, or a test's.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    func engineCall(tenant: String, engine: BotEngineKind, seconds: Duration) {
        Metrics.Timer(
            label: "switchboard_bot_engine_seconds", dimensions: [("tenant", tenant), ("engine", engine.rawValue)],
            factory: factory
        ).recordNanoseconds(seconds.components.seconds * 1_000_000_000 + seconds.components.attoseconds / 1_000_000_000)
    }

    func engineError(tenant: String, engine: BotEngineKind, code: String) {
        Counter(
            label: "switchboard_bot_engine_errors_total",
            dimensions: [("tenant", tenant), ("engine", engine.rawValue), ("code", code)], factory: factory
        ).increment()
    }

    func answered(tenant: String, engine: BotEngineKind) {
        Counter(
            label: "switchboard_bot_answers_total", dimensions: [("tenant", tenant), ("engine", engine.rawValue)],
            factory: factory
        ).increment()
    }

    func tokens(tenant: String, usage: TokenUsage, settings: LLMSettings) {
        Counter(
            label: "switchboard_llm_tokens_total", dimensions: [("tenant", tenant), ("direction", "input")],
            factory: factory
        ).increment(by: Int64(max(0, usage.input)))
        Counter(
            label: "switchboard_llm_tokens_total", dimensions: [("tenant", tenant), ("direction", "output")],
            factory: factory
        ).increment(by: Int64(max(0, usage.output)))
        let cost =
            Double(max(0, usage.input)) * settings.pricePerInputToken + Double(max(0, usage.output))
            * settings.pricePerOutputToken
        if cost > 0 {
            FloatingPointCounter(
                label: "switchboard_llm_cost_total", dimensions: [("tenant", tenant)], factory: factory
            )
            .increment(by: cost)
        }
    }

    func cacheHit(tenant: String) {
        Counter(label: "switchboard_llm_cache_hits_total", dimensions: [("tenant", tenant)], factory: factory)
            .increment()
    }

    func action(tenant: String, action: String, outcome: String) {
        Counter(
            label: "switchboard_bot_actions_total",
            dimensions: [("tenant", tenant), ("action", action), ("outcome", outcome)], factory: factory
        ).increment()
    }
}
