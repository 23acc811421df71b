public import Metrics

/// `switchboard_http_responses_total{route,status}`: responses by route pattern (never the raw path) and status
/// code. Recorded by ``HTTPMetricsMiddleware``.
public struct HTTPMetrics: Sendable {
    /// The most route/status combinations recorded separately; more are recorded as `other`.
    public static let seriesLimit = 200

    private let responses: LabeledMetrics<Counter>

    /// - Parameter factory: Default the global `MetricsSystem.factory`; tests pass their own.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.responses = LabeledMetrics(labelNames: ["route", "status"], fixedDimensions: [], limit: Self.seriesLimit) {
            Counter(label: "switchboard_http_responses_total", dimensions: $0, factory: factory)
        }
    }

    /// Counts one response to `route` (a pattern such as `/webhooks/{channel}`) with status code `status`.
    public func recordResponse(route: String, status: Int) {
        self.responses(route, String(status)).increment()
    }
}
