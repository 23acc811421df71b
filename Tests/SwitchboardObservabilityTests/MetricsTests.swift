import Prometheus
import Testing

@testable import SwitchboardObservability

@Suite("Stage, HTTP and outbound metrics")
struct MetricsTests {
    /// Lines of the registry's text exposition, for exact-line assertions.
    private func exposition(_ registry: PrometheusCollectorRegistry) -> Set<String> {
        Set(registry.emitToString().split(separator: "\n").map(String.init))
    }

    @Test func stageCountersAppearWithTheirLabels() {
        let registry = PrometheusCollectorRegistry()
        let metrics = StageMetrics(stage: "message-router", factory: MetricsBootstrap.makeFactory(registry: registry))
        metrics.recordIn()
        metrics.recordIn(count: 2)
        metrics.recordOut(topic: "sb.routed")
        metrics.recordOut(topic: "sb.routed", count: 4)
        metrics.recordOut(topic: "sb.handover")
        metrics.recordError(kind: "decode")
        metrics.recordDeadLetter(reason: "malformed")
        metrics.recordDeadLetter(reason: "malformed")
        metrics.setConsumerLag(42, topic: "sb.sessions", partition: 3)
        metrics.setConsumerLag(7, topic: "sb.sessions", partition: 3)

        let lines = self.exposition(registry)
        #expect(lines.contains("# TYPE switchboard_records_in_total counter"))
        #expect(lines.contains(#"switchboard_records_in_total{stage="message-router"} 3"#))
        #expect(lines.contains(#"switchboard_records_out_total{stage="message-router",topic="sb.routed"} 5"#))
        #expect(lines.contains(#"switchboard_records_out_total{stage="message-router",topic="sb.handover"} 1"#))
        #expect(lines.contains(#"switchboard_errors_total{stage="message-router",kind="decode"} 1"#))
        #expect(lines.contains(#"switchboard_deadletters_total{stage="message-router",reason="malformed"} 2"#))
        #expect(lines.contains("# TYPE switchboard_consumer_lag gauge"))
        #expect(
            lines.contains(#"switchboard_consumer_lag{stage="message-router",topic="sb.sessions",partition="3"} 7.0"#))
    }

    @Test func processingTimeIsAHistogramInSecondsWithMillisecondBuckets() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = StageMetrics(stage: "session", factory: MetricsBootstrap.makeFactory(registry: registry))
        metrics.recordProcessing(.milliseconds(3))
        metrics.recordProcessing(.milliseconds(700))
        metrics.recordProcessing(.milliseconds(40))

        let lines = self.exposition(registry)
        #expect(lines.contains("# TYPE switchboard_processing_seconds histogram"))
        #expect(lines.contains(#"switchboard_processing_seconds_bucket{stage="session",le="0.001"} 0"#))
        #expect(lines.contains(#"switchboard_processing_seconds_bucket{stage="session",le="0.005"} 1"#))
        #expect(lines.contains(#"switchboard_processing_seconds_bucket{stage="session",le="0.05"} 2"#))
        #expect(lines.contains(#"switchboard_processing_seconds_bucket{stage="session",le="0.5"} 2"#))
        #expect(lines.contains(#"switchboard_processing_seconds_bucket{stage="session",le="1.0"} 3"#))
        #expect(lines.contains(#"switchboard_processing_seconds_bucket{stage="session",le="+Inf"} 3"#))
        #expect(lines.contains(#"switchboard_processing_seconds_count{stage="session"} 3"#))
    }

    @Test func measuredBodiesAreRecordedOnceWithTheirResult() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = StageMetrics(stage: "session", factory: MetricsBootstrap.makeFactory(registry: registry))
        let value = try await metrics.measureProcessing { () async throws -> Int in
            try await Task.sleep(for: .milliseconds(20))
            return 5
        }
        #expect(value == 5)
        let lines = self.exposition(registry)
        #expect(lines.contains(#"switchboard_processing_seconds_count{stage="session"} 1"#))
        // The body slept 20 ms, so it cannot land in the 1, 2, 5 or 10 ms buckets, however loaded the machine.
        #expect(lines.contains(#"switchboard_processing_seconds_bucket{stage="session",le="0.01"} 0"#))
    }

    @Test func unboundedLabelValuesCollapseIntoOther() {
        let registry = PrometheusCollectorRegistry()
        let metrics = StageMetrics(stage: "nlp", factory: MetricsBootstrap.makeFactory(registry: registry))
        for index in 0..<(StageMetrics.seriesLimit + 50) {
            metrics.recordError(kind: "kind-\(index)")
        }
        metrics.recordError(kind: "kind-0")

        let lines = self.exposition(registry)
        #expect(lines.filter { $0.hasPrefix("switchboard_errors_total{") }.count == StageMetrics.seriesLimit + 1)
        #expect(lines.contains(#"switchboard_errors_total{stage="nlp",kind="kind-0"} 2"#))
        #expect(lines.contains(#"switchboard_errors_total{stage="nlp",kind="other"} 50"#))
    }

    @Test func outboundAndSignatureFailuresAreCountedByChannel() {
        let registry = PrometheusCollectorRegistry()
        let metrics = OutboundMetrics(factory: MetricsBootstrap.makeFactory(registry: registry))
        metrics.recordSend(channel: "whatsapp", result: .sent)
        metrics.recordSend(channel: "whatsapp", result: .sent)
        metrics.recordSend(channel: "whatsapp", result: .rejected)
        metrics.recordSend(channel: "sms", result: .retried)
        metrics.recordSignatureFailure(channel: "webchat")

        let lines = self.exposition(registry)
        #expect(lines.contains(#"switchboard_outbound_sends_total{channel="whatsapp",result="sent"} 2"#))
        #expect(lines.contains(#"switchboard_outbound_sends_total{channel="whatsapp",result="rejected"} 1"#))
        #expect(lines.contains(#"switchboard_outbound_sends_total{channel="sms",result="retried"} 1"#))
        #expect(lines.contains(#"switchboard_webhook_signature_failures_total{channel="webchat"} 1"#))
    }

    @Test func stagesShareOneRegistryWithoutClashing() {
        let registry = PrometheusCollectorRegistry()
        let factory = MetricsBootstrap.makeFactory(registry: registry)
        StageMetrics(stage: "a", factory: factory).recordIn()
        StageMetrics(stage: "b", factory: factory).recordIn(count: 2)
        // A second value for the same stage reuses the same series.
        StageMetrics(stage: "a", factory: factory).recordIn()

        let lines = self.exposition(registry)
        #expect(lines.contains(#"switchboard_records_in_total{stage="a"} 2"#))
        #expect(lines.contains(#"switchboard_records_in_total{stage="b"} 2"#))
    }
}
