import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Synchronization
import Testing

@testable import SwitchboardObservability

@Suite("Ops endpoints over HTTP")
struct OpsEndpointsTests {
    private struct Fixture {
        let registry = PrometheusCollectorRegistry()
        let server: OpsServer

        init(checks: [ReadinessCheck], checkTimeout: Duration = .seconds(2), port: Int = 0) {
            let factory = MetricsBootstrap.makeFactory(registry: self.registry)
            self.server = OpsServer(
                host: "127.0.0.1",
                port: port,
                endpoints: OpsEndpoints(registry: self.registry, checks: checks, checkTimeout: checkTimeout),
                httpMetrics: HTTPMetrics(factory: factory),
                logger: Logger(label: "ops-test") { _ in SwiftLogNoOpLogHandler() }
            )
        }
    }

    private static let kafkaUp = ReadinessCheck(name: "kafka") { true }
    private static let mongoUp = ReadinessCheck(name: "mongo") { true }
    private static let mongoDown = ReadinessCheck(name: "mongo") { false }

    private func json(_ body: ByteBuffer) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        return try #require(object as? [String: Any])
    }

    @Test func liveIsAlways200() async throws {
        let fixture = Fixture(checks: [Self.mongoDown])
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try self.json(response.body)
                #expect(body["status"] as? String == "live")
            }
        }
    }

    @Test func readyIs200WhenEveryCheckPasses() async throws {
        let fixture = Fixture(checks: [Self.kafkaUp, Self.mongoUp])
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(
                    String(buffer: response.body) == #"{"checks":{"kafka":"ok","mongo":"ok"},"status":"ready"}"#)
            }
        }
    }

    @Test func readyIs503NamingTheFailingCheck() async throws {
        let fixture = Fixture(checks: [Self.kafkaUp, Self.mongoDown])
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try self.json(response.body)
                #expect(body["status"] as? String == "not_ready")
                #expect(body["checks"] as? [String: String] == ["kafka": "ok", "mongo": "failed"])
            }
        }
    }

    @Test func aHangingCheckTimesOutInto503() async throws {
        let hanging = ReadinessCheck(name: "kafka") {
            try? await Task.sleep(for: .seconds(3600))
            return true
        }
        let fixture = Fixture(checks: [hanging, Self.mongoUp], checkTimeout: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try self.json(response.body)
                #expect(body["checks"] as? [String: String] == ["kafka": "timeout", "mongo": "ok"])
            }
        }
        // The check sleeps for an hour: answering well before that shows the timeout cut it off. (Not a speed
        // bound: a loaded machine delayed this 200 ms timeout by 103 s once.)
        #expect(clock.now - start < .seconds(1800))
    }

    @Test func checksRunConcurrently() async throws {
        // Each check waits until all three have started: run one after another, the first would time out.
        let started = StartCounter()
        let meeting = { (name: String) in
            ReadinessCheck(name: name) {
                started.count.withLock { $0 += 1 }
                while started.count.withLock({ $0 }) < 3 {
                    do { try await Task.sleep(for: .milliseconds(10)) } catch { return false }
                }
                return true
            }
        }
        let endpoints = OpsEndpoints(
            registry: PrometheusCollectorRegistry(), checks: [meeting("a"), meeting("b"), meeting("c")],
            checkTimeout: .seconds(20))
        let report = await endpoints.readiness()
        #expect(report == ReadinessReport(checks: ["a": .ok, "b": .ok, "c": .ok]))
    }

    @Test func metricsServesPrometheusTextIncludingHTTPResponses() async throws {
        let fixture = Fixture(checks: [Self.mongoDown])
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: "/users/123/secret", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let lines = Set(String(buffer: response.body).split(separator: "\n").map(String.init))
                #expect(lines.contains("# TYPE switchboard_http_responses_total counter"))
                #expect(lines.contains(#"switchboard_http_responses_total{route="/health/live",status="200"} 1"#))
                #expect(lines.contains(#"switchboard_http_responses_total{route="/health/ready",status="503"} 1"#))
                #expect(lines.contains(#"switchboard_http_responses_total{route="unmatched",status="404"} 1"#))
                #expect(!lines.contains { $0.contains("/users/123") })
            }
        }
    }

    @Test func liveSocketServesHealthLive() async throws {
        let fixture = Fixture(checks: [Self.kafkaUp])
        try await fixture.server.makeApplication().test(.live) { client in
            #expect(client.port != nil && client.port != 0)
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"live"}"#)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"route="/health/live",status="200"} 1"#))
            }
        }
    }
}

@Suite("HTTP metrics middleware")
struct HTTPMetricsMiddlewareTests {
    @Test func countsByRoutePatternAndThrownStatus() async throws {
        let registry = PrometheusCollectorRegistry()
        let router = Router()
        router.add(
            middleware: HTTPMetricsMiddleware(
                metrics: HTTPMetrics(factory: MetricsBootstrap.makeFactory(registry: registry))))
        router.post("/webhooks/{channel}") { _, context in
            let channel = try context.parameters.require("channel")
            guard channel != "bad" else { throw HTTPError(.badRequest, message: "unknown channel") }
            return HTTPResponse.Status.accepted
        }
        router.get("/boom") { _, _ -> HTTPResponse.Status in
            struct Unexpected: Error {}
            throw Unexpected()
        }
        let app = Application(router: router, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })

        try await app.test(.router) { client in
            try await client.execute(uri: "/webhooks/whatsapp", method: .post) { #expect($0.status == .accepted) }
            try await client.execute(uri: "/webhooks/sms", method: .post) { #expect($0.status == .accepted) }
            try await client.execute(uri: "/webhooks/bad", method: .post) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/boom", method: .get) { #expect($0.status == .internalServerError) }
        }

        let lines = Set(registry.emitToString().split(separator: "\n").map(String.init))
        #expect(lines.contains(#"switchboard_http_responses_total{route="/webhooks/{channel}",status="202"} 2"#))
        #expect(lines.contains(#"switchboard_http_responses_total{route="/webhooks/{channel}",status="400"} 1"#))
        #expect(lines.contains(#"switchboard_http_responses_total{route="/boom",status="500"} 1"#))
        #expect(!lines.contains { $0.contains("whatsapp") })
    }
}

private final class StartCounter: Sendable {
    let count = Mutex(0)
}
