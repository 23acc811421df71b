public import Metrics
import SwitchboardCore

/// Analytics' in-process counters, counted once per new fact (a replayed or redelivered record counts no
/// more). Labels are few and bounded; no customer, session or agent label:
///
/// | series | labels |
/// | --- | --- |
/// | `switchboard_analytics_messages_total` | `direction` (`in`, `out`), `channel` |
/// | `switchboard_analytics_handovers_total` | `reason` |
/// | `switchboard_analytics_delivery_failures_total` | `channel` |
/// | `switchboard_csat_answers_total` | `score` (1-5) |
public struct AnalyticsMetrics: Sendable {
    private let factory: any MetricsFactory

    /// - Parameter factory: Default the global `MetricsSystem.factory`; tests pass their own.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    func count(_ fact: AnalyticsRecordFact) {
        let channel = fact.channel.flatMap(Channel.init(rawValue:))?.rawValue ?? "other"
        switch fact.kind {
        case .messageIn, .messageOut:
            counter("switchboard_analytics_messages_total", [("direction", fact.kind.rawValue), ("channel", channel)])
        case .handover:
            // Reasons are the pipeline's own snake_case constants; anything else is folded into `other`.
            let label = fact.label ?? ""
            let snakeCase = label.allSatisfy { $0 == "_" || ("a"..."z").contains($0) }
            let reason = !label.isEmpty && label.count <= 40 && snakeCase ? label : "other"
            counter("switchboard_analytics_handovers_total", [("reason", reason)])
        case .deliveryFailed:
            counter("switchboard_analytics_delivery_failures_total", [("channel", channel)])
        case .csat:
            guard let score = fact.label.flatMap(Int.init), (1...5).contains(score) else { return }
            counter("switchboard_csat_answers_total", [("score", String(score))])
        }
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) {
        Counter(label: label, dimensions: dimensions, factory: factory).increment()
    }
}
