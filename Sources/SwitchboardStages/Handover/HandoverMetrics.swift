public import Metrics

/// The hand-over queue's metrics:
///
/// | series | meaning |
/// | --- | --- |
/// | `switchboard_handover_wait_seconds` (histogram) | from the request to the first claim |
/// | `switchboard_handover_handle_seconds` (histogram) | from the first claim to the resolve |
/// | `switchboard_handover_transitions_total` | state changes by `transition`: `claimed`, `transferred`, `returned_to_queue`, `resolved`, `escalated` |
///
/// The histograms' buckets are `MetricsBootstrap.handoverBuckets`, seconds to hours.
public struct HandoverMetrics: Sendable {
    let wait: Metrics.Timer
    let handle: Metrics.Timer
    private let factory: any MetricsFactory

    /// - Parameter factory: Default the global `MetricsSystem.factory`; tests pass their own.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        wait = Metrics.Timer(label: "switchboard_handover_wait_seconds", dimensions: [], factory: factory)
        handle = Metrics.Timer(label: "switchboard_handover_handle_seconds", dimensions: [], factory: factory)
    }

    func transition(_ name: String) {
        Counter(label: "switchboard_handover_transitions_total", dimensions: [("transition", name)], factory: factory)
            .increment()
    }
}
