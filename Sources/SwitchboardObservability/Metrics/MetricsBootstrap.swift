import Metrics
public import Prometheus

/// Installs Prometheus as the process-wide swift-metrics backend. Executables only: libraries record through the
/// swift-metrics API (``StageMetrics``, ``HTTPMetrics``, ``OutboundMetrics``) and never pick the backend.
public enum MetricsBootstrap {
    /// Histogram buckets for ``StageMetrics`` processing time: a record takes from about a millisecond (routing
    /// in memory) to tens of seconds (an NLP plugin or an outbound API on a bad day).
    public static let processingBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// Histogram buckets of the hand-over queue's wait and handle times: from seconds to hours.
    public static let handoverBuckets: [Duration] = [
        .seconds(5), .seconds(15), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
        .seconds(1800), .seconds(3600), .seconds(14_400),
    ]

    /// A factory writing into `registry`, with ``processingBuckets`` for every timer but the hand-over
    /// queue's (``handoverBuckets``).
    ///
    /// Tests build one per test around their own registry and pass it to ``StageMetrics/init(stage:factory:)``,
    /// which keeps them isolated from each other and from the global `MetricsSystem`.
    public static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = self.processingBuckets
        factory.durationHistogramBuckets["switchboard_handover_wait_seconds"] = self.handoverBuckets
        factory.durationHistogramBuckets["switchboard_handover_handle_seconds"] = self.handoverBuckets
        return factory
    }

    /// Bootstraps swift-metrics with Prometheus and returns the registry that `/metrics` serves
    /// (pass it to ``OpsEndpoints/init(registry:checks:checkTimeout:)``). Call once, in `main`.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(self.makeFactory(registry: registry))
        return registry
    }
}
