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
    /// producer, the hand-over notifier (stopped after the stage and the sweeper that feed it, before the
    /// producer its dead letters need), the handover stage runner, the escalation sweeper, the live event feed,
    /// the analytics consumer and the HTTP server (agent API, the desk web app and ops endpoints). Shutdown runs
    /// in reverse, so the producer flushes last.
    public static func build(environment: DaemonEnvironment, logger: Logger) async throws -> [any Service] {
        let settings = try DeskSettings(environment: environment)
        let notificationSettings = try NotificationSettings(environment: environment)
        try HandoverNotifier.checkSecrets(tenants: environment.tenants, secrets: environment.secrets)
        let parts = try await DaemonParts.connect(environment, logger: logger)
        let notifier = HandoverNotifier(
            store: parts.database.notifications, tenants: environment.tenants, secrets: environment.secrets,
            sink: parts.producer, topics: parts.topics, settings: notificationSettings, logger: logger)
        let handler = HandoverHandler(database: parts.database, tenants: environment.tenants, notifier: notifier)
        let runner = try parts.runner(
            stage: name, input: parts.topics.handover,
            handler: DropErased(
                DurableWrites(handler.perEnvelope(), barrier: parts.database), erasures: parts.database.erasures))
        let accounts = DeskAccounts(
            accounts: parts.database.agentAccounts, sessions: parts.database.agentSessions,
            sessionLifetime: settings.sessionLifetime, logger: logger)
        let hub = DeskLiveHub()
        let feed = DeskEventFeed(kafka: environment.kafka, topic: parts.topics.events, hub: hub, logger: logger)
        var api = AgentAPI(
            desk: HandoverDesk(
                database: parts.database, sink: parts.producer, topics: parts.topics, logger: logger,
                tenants: environment.tenants),
            accounts: accounts, secrets: environment.secrets, secureCookie: settings.secureCookie, hub: hub,
            logger: logger)
        api.privacy = PrivacyOperations(
            privacy: CustomerPrivacy(database: parts.database), kafka: environment.kafka, producer: parts.producer,
            topics: parts.topics, logger: logger)
        api.analytics = parts.database.analytics
        let analytics = AnalyticsConsumer(
            kafka: environment.kafka, topics: parts.topics,
            recorder: AnalyticsRecorder(store: parts.database.analytics, erasures: parts.database.erasures),
            logger: logger,
            interval: try environment.milliseconds(
                "SWITCHBOARD_ANALYTICS_INTERVAL_MS", default: AnalyticsConsumer.defaultInterval))
        api.search = try await MessageSearch.detecting(database: parts.database)
        logger.info("Search backend chosen", metadata: ["backend": "\(api.search?.backendName ?? "-")"])
        api.media = parts.database.media
        let application = makeApplication(
            api: api, ops: parts.opsEndpoints, host: environment.settings.httpHost,
            port: environment.settings.httpPort, logger: logger)
        let sweeper = HandoverEscalationSweeper(
            database: parts.database, sink: parts.producer, tenants: environment.tenants, topics: parts.topics,
            interval: try environment.milliseconds(
                "SWITCHBOARD_HANDOVER_SWEEP_MS", default: HandoverEscalationSweeper.defaultInterval),
            logger: logger, notifier: notifier)
        return [parts.producer, notifier, runner, sweeper, feed, analytics, application]
    }

    /// The HTTP application: ops endpoints, the agent API and the desk web app behind `HTTPMetricsMiddleware`.
    public static func makeApplication(
        api: AgentAPI, ops: OpsEndpoints, host: String, port: Int, logger: Logger,
        httpMetrics: HTTPMetrics = HTTPMetrics()
    ) -> some ApplicationProtocol {
        let router = Router(context: DeskRequestContext.self)
        router.add(middleware: HTTPMetricsMiddleware(metrics: httpMetrics))
        ops.addRoutes(to: router)
        api.addRoutes(to: router)
        DeskWebApp.addRoutes(to: router)
        return Application(
            router: router, server: SwitchboardHTTPServer.http1(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            logger: logger)
    }
}
