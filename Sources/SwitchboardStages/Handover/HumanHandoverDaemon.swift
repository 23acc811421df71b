public import Hummingbird
public import Logging
public import ServiceLifecycle
public import SwitchboardObservability
import SwitchboardRuntime

/// The human-handover daemon: the `handover` stage and the agent desk API, built from a
/// ``DaemonEnvironment`` so that tests can run it in-process.
public enum HumanHandoverDaemon {
    /// The daemon's name: consumer group, client id, log label.
    public static let name = HandoverHandler.stage
    /// The HTTP port when `SWITCHBOARD_HTTP_PORT` is not set.
    public static let defaultHTTPPort = 8085

    /// Connects to the broker and database and returns the daemon's services, in start order: the
    /// producer, the handover stage runner and the HTTP server (agent API and ops endpoints). Shutdown runs
    /// in reverse, so the producer flushes last.
    public static func build(environment: DaemonEnvironment, logger: Logger) async throws -> [any Service] {
        let parts = try await DaemonParts.connect(environment, logger: logger)
        let handler = HandoverHandler(database: parts.database, tenants: environment.tenants)
        let runner = try parts.runner(
            stage: name, input: parts.topics.handover,
            handler: DurableWrites(handler.perEnvelope(), barrier: parts.database))
        let api = AgentAPI(
            desk: HandoverDesk(database: parts.database, sink: parts.producer, topics: parts.topics, logger: logger),
            secrets: environment.secrets, logger: logger)
        let application = makeApplication(
            api: api, ops: parts.opsEndpoints, host: environment.settings.httpHost,
            port: environment.settings.httpPort, logger: logger)
        return [parts.producer, runner, application]
    }

    /// The HTTP application: ops endpoints and the agent API behind `HTTPMetricsMiddleware`.
    public static func makeApplication(
        api: AgentAPI, ops: OpsEndpoints, host: String, port: Int, logger: Logger,
        httpMetrics: HTTPMetrics = HTTPMetrics()
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: HTTPMetricsMiddleware(metrics: httpMetrics))
        ops.addRoutes(to: router)
        api.addRoutes(to: router)
        return Application(
            router: router, server: SwitchboardHTTPServer.http1(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            logger: logger)
    }
}
