import Prometheus
import SwitchboardCore
import SwitchboardObservability
import SwitchboardStages
import Testing

@Suite("Analytics counters")
struct AnalyticsMetricsTests {
    @Test("counted once per new fact, replays add nothing; labels are direction, channel, reason and score only")
    func countersCountNewFactsOnce() async throws {
        let registry = PrometheusCollectorRegistry()
        let recorder = AnalyticsRecorder(
            store: InMemoryAnalyticsStore(), erasures: nil,
            metrics: AnalyticsMetrics(factory: MetricsBootstrap.makeFactory(registry: registry)))
        try await recorder.record(AnalyticsScript.records)
        try await recorder.record(AnalyticsScript.records)
        let lines = Set(registry.emitToString().split(separator: "\n").map(String.init))
        for line in [
            #"switchboard_analytics_messages_total{direction="in",channel="webchat"} 5"#,
            #"switchboard_analytics_messages_total{direction="out",channel="webchat"} 4"#,
            #"switchboard_analytics_messages_total{direction="in",channel="whatsapp"} 3"#,
            #"switchboard_analytics_messages_total{direction="out",channel="whatsapp"} 3"#,
            #"switchboard_analytics_handovers_total{reason="customer_asked_for_human"} 1"#,
            #"switchboard_analytics_handovers_total{reason="low_confidence"} 1"#,
            #"switchboard_analytics_delivery_failures_total{channel="webchat"} 1"#,
            #"switchboard_csat_answers_total{score="4"} 1"#,
            #"switchboard_csat_answers_total{score="2"} 1"#,
        ] {
            #expect(lines.contains(line), "\(line)")
        }
        #expect(!lines.contains { $0.contains("customer") && !$0.contains("customer_asked_for_human") })
    }
}
