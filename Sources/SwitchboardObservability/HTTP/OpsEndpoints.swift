import Foundation
public import Hummingbird
public import Prometheus

/// The operational endpoints every daemon serves:
///
/// - `GET /health/live`: 200 `{"status":"live"}` while the process serves HTTP at all.
/// - `GET /health/ready`: runs every ``ReadinessCheck`` concurrently, each bounded by ``checkTimeout``;
///   200 `{"status":"ready","checks":{"kafka":"ok","mongo":"ok"}}` when all pass, otherwise 503
///   `{"status":"not_ready","checks":{"kafka":"ok","mongo":"timeout"}}`.
/// - `GET /metrics`: the Prometheus text exposition of ``registry``.
public struct OpsEndpoints: Sendable {
    /// The content type of the Prometheus text exposition format.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// What `/metrics` serves.
    public let registry: PrometheusCollectorRegistry
    /// What `/health/ready` runs.
    public let checks: [ReadinessCheck]
    /// How long one check may take before it counts as `timeout`. Default 2 s.
    public let checkTimeout: Duration

    public init(registry: PrometheusCollectorRegistry, checks: [ReadinessCheck], checkTimeout: Duration = .seconds(2)) {
        self.registry = registry
        self.checks = checks
        self.checkTimeout = checkTimeout
    }

    /// Adds the three routes to `router`. Add any middleware (such as ``HTTPMetricsMiddleware``) first:
    /// Hummingbird applies middleware only to routes added after it.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/health/live") { _, _ in
            Self.json(status: .ok, ["status": "live"])
        }
        router.get("/health/ready") { _, _ in
            let report = await self.readiness()
            return Self.json(
                status: report.isReady ? .ok : .serviceUnavailable,
                ReadyBody(status: report.isReady ? "ready" : "not_ready", checks: report.checks.mapValues(\.rawValue))
            )
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: Self.metricsContentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer()))
            )
        }
    }

    /// Runs every check concurrently; one that has not answered within ``checkTimeout`` is cancelled and
    /// reported as `timeout`.
    public func readiness() async -> ReadinessReport {
        await withTaskGroup(of: (String, ReadinessReport.Outcome).self) { group in
            for check in self.checks {
                group.addTask {
                    await Self.run(check, timeout: self.checkTimeout)
                }
            }
            var outcomes: [String: ReadinessReport.Outcome] = [:]
            for await (name, outcome) in group {
                outcomes[name] = outcome
            }
            return ReadinessReport(checks: outcomes)
        }
    }

    private static func run(_ check: ReadinessCheck, timeout: Duration) async -> (String, ReadinessReport.Outcome) {
        await withTaskGroup(of: ReadinessReport.Outcome?.self) { race in
            race.addTask {
                await check.check() ? .ok : .failed
            }
            race.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .timeout
            }
            var outcome = ReadinessReport.Outcome.timeout
            if let first = await race.next() {
                outcome = first ?? .timeout
            }
            race.cancelAll()
            return (check.name, outcome)
        }
    }

    private struct ReadyBody: Encodable {
        var status: String
        var checks: [String: String]
    }

    private static func json(status: HTTPResponse.Status, _ body: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding [String: String] and plain structs of strings cannot fail.
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
