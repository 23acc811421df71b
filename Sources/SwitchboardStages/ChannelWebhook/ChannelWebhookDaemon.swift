public import Hummingbird
public import Logging
public import Prometheus
public import ServiceLifecycle
import SwitchboardCore
public import SwitchboardKafka
public import SwitchboardObservability
public import SwitchboardRuntime

/// channel-webhook: the HTTP API of every channel (inbound) and the outbound stage that delivers replies.
///
/// ```swift
/// let services = try await ChannelWebhookDaemon.build(environment: environment, logger: logger)
/// try await runDaemon(name: "channel-webhook", services: services, logger: logger)
/// ```
public struct ChannelWebhookDaemon: Sendable {
    public let environment: DaemonEnvironment
    public let producer: KafkaProducer
    public let outboundHandler: OutboundDeliveryHandler
    public let adapters: ChannelAdapterRegistry
    public let context: ChannelWebhookContext
    public let endpoints: OpsEndpoints
    public let httpMetrics: HTTPMetrics
    /// The broker-outage spool, when `SWITCHBOARD_SPOOL_DIR` is set; runs after the producer, so it stops
    /// replaying before the producer flushes.
    public let spool: InboundSpool?
    /// The connections provider API calls go over; run first among the services, so it closes last.
    public let providerConnections: ProviderConnectionPool
    /// The media stage (``MediaFetchHandler``), unless `SWITCHBOARD_MEDIA_FETCH=false`.
    public let mediaHandler: MediaFetchHandler?

    /// Connects (``DaemonParts/connect(_:logger:)``) and builds the daemon with the web chat adapter.
    public static func make(
        environment: DaemonEnvironment, logger: Logger,
        metricsRegistry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) async throws -> ChannelWebhookDaemon {
        let connections = ProviderConnectionPool()
        let providers = ProviderConfiguration(variables: environment.variables, connections: connections)
        try providers.check()
        let configuration = try ChannelWebhookConfiguration(environment: environment)
        let spoolSettings = configuration.spool
        // With a spool, webhooks are taken while the broker is away, also from the start: the topics are
        // created once it answers, and until then the spool keeps what comes.
        let topics = spoolSettings.directory != nil ? TopicsReady() : nil
        let parts = try await DaemonParts.connect(environment, logger: logger, topics: topics)
        var spool: InboundSpool?
        var readiness = parts.readinessChecks
        if let topics {
            let opened = try await InboundSpool.open(
                configuration: spoolSettings, sink: TopicGatedSink(parts.producer, topics: topics), logger: logger)
            spool = opened
            // Ready while the spool has room, whether or not the broker answers: that is what the spool is for.
            readiness = readiness.filter { $0.name != "kafka" } + [ReadinessCheck(name: "spool") { opened.hasRoom }]
        }
        return try ChannelWebhookDaemon(
            environment: environment, producer: parts.producer, database: parts.database,
            readinessChecks: readiness, metricsRegistry: metricsRegistry,
            adapters: [
                WebChatAdapter(
                    streams: ReplyStreams(
                        limitPerConversation: configuration.streamsPerConversation,
                        limitPerTenant: configuration.streamsPerTenant, limit: configuration.streams)),
                WhatsAppAdapter(secrets: environment.secrets, configuration: providers),
                MessengerAdapter(secrets: environment.secrets, configuration: providers),
                TelegramAdapter(secrets: environment.secrets, providers: providers),
                TwilioAdapter(secrets: environment.secrets, providers: providers),
            ], providerConnections: connections, spool: spool, logger: logger)
    }

    /// The daemon's services: provider connections, producer, outbound stage, HTTP server. A `ServiceGroup`
    /// shuts them down in reverse, so HTTP and the consumer stop before the producer flushes, and the last
    /// sends finish before the provider connections close.
    public static func build(
        environment: DaemonEnvironment, logger: Logger,
        metricsRegistry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) async throws -> [any Service] {
        try await make(environment: environment, logger: logger, metricsRegistry: metricsRegistry).services()
    }

    /// Builds the daemon from parts already connected (tests pass a producer pointed at a dead broker).
    public init(
        environment: DaemonEnvironment, producer: KafkaProducer, database: SwitchboardDatabase,
        readinessChecks: [ReadinessCheck], metricsRegistry: PrometheusCollectorRegistry,
        adapters: [any ChannelAdapter] = [WebChatAdapter()],
        providerConnections: ProviderConnectionPool = ProviderConnectionPool(), spool: InboundSpool? = nil,
        logger: Logger
    ) throws {
        let topics = environment.settings.topics
        let registry = ChannelAdapterRegistry(adapters)
        self.environment = environment
        self.producer = producer
        self.adapters = registry
        self.spool = spool
        let configuration = try ChannelWebhookConfiguration(environment: environment)
        if configuration.visitorTokenSecret == nil {
            logger.warning(
                """
                SWITCHBOARD_WEBCHAT_TOKEN_SECRET is not set: web chat visitor tokens use a random key, so they do \
                not outlive this process and other instances refuse them
                """)
        }
        self.context = ChannelWebhookContext(
            publisher: InboundPublisher(
                producer: producer, topics: topics, messages: database.messages, spool: spool,
                recordLimit: configuration.recordLimitBytes),
            database: database,
            tenants: environment.tenants, secrets: environment.secrets,
            configuration: configuration,
            visitorTokens: VisitorTokens(
                secret: configuration.visitorTokenSecret ?? VisitorTokens.randomSecret(),
                lifetime: configuration.visitorTokenLifetime),
            logger: logger)
        self.outboundHandler = OutboundDeliveryHandler(
            adapters: registry, database: database, tenants: environment.tenants)
        self.endpoints = OpsEndpoints(registry: metricsRegistry, checks: readinessChecks)
        self.httpMetrics = HTTPMetrics()
        self.providerConnections = providerConnections
        let media = try MediaFetchConfiguration(variables: environment.variables)
        self.mediaHandler =
            media.enabled
            ? MediaFetchHandler(
                database: database, secrets: environment.secrets,
                endpoints: MediaSource.Endpoints(
                    ProviderConfiguration(variables: environment.variables, connections: providerConnections)),
                configuration: media, connections: providerConnections)
            : nil
    }

    /// Provider connections, producer, spool, reply-preview relay, outbound stage and HTTP application, in start
    /// order.
    public func services() throws -> [any Service] {
        var services: [any Service] = [providerConnections, producer] + spoolServices + relayServices
        services.append(try makeOutboundRunner())
        if let media = try makeMediaRunner() { services.append(media) }
        services.append(try makeApplication(runningServices: false))
        return services
    }

    /// A runner of the media stage, consuming `sessioned` as the `channel-webhook-media` group; nil when media
    /// fetching is off. Made only for running, as ``makeOutboundRunner()``.
    public func makeMediaRunner() throws -> StageRunner? {
        guard let mediaHandler else { return nil }
        let topics = environment.settings.topics
        return try StageRunner(
            configuration: StageRunner.Configuration(
                stage: MediaFetchHandler.stage, inputTopic: topics.sessioned, topics: topics),
            kafka: environment.kafka, producer: producer,
            handler: DropErased(mediaHandler, erasures: context.database.erasures), logger: context.logger)
    }

    private var spoolServices: [any Service] { spool.map { [$0] } ?? [] }

    private var relayServices: [any Service] { makeReplyDeltaRelay().map { [$0] } ?? [] }

    /// The reader of reply previews for the web chat's streams, when the web chat adapter is on.
    public func makeReplyDeltaRelay() -> ReplyDeltaRelay? {
        guard let webChat = adapters.adapter(for: .webchat) as? WebChatAdapter else { return nil }
        return ReplyDeltaRelay(
            kafka: environment.kafka, topics: environment.settings.topics, streams: webChat.streams,
            logger: context.logger)
    }

    /// A runner of the outbound stage. Its consumer joins the `channel-webhook-outbound` group when created,
    /// so it is made only for running.
    public func makeOutboundRunner() throws -> StageRunner {
        let topics = environment.settings.topics
        return try StageRunner(
            configuration: StageRunner.Configuration(
                stage: OutboundDeliveryHandler.stage, inputTopic: topics.outbound, topics: topics),
            kafka: environment.kafka, producer: producer,
            handler: DropErased(
                DurableWrites(outboundHandler, barrier: context.database), erasures: context.database.erasures),
            logger: context.logger)
    }

    /// The router: ops endpoints, then every adapter's routes, all behind ``HTTPMetricsMiddleware``.
    public func makeRouter() -> Router<ChannelRequestContext> {
        let router = Router(context: ChannelRequestContext.self)
        router.add(middleware: HTTPMetricsMiddleware(metrics: httpMetrics))
        router.add(middleware: WebChatCORSMiddleware(allowedOrigins: context.configuration.allowedOrigins))
        endpoints.addRoutes(to: router)
        for adapter in adapters.all { adapter.addRoutes(to: router, context: context) }
        return router
    }

    /// The HTTP application on `SWITCHBOARD_HTTP_HOST:SWITCHBOARD_HTTP_PORT`. With `runningServices`, it also
    /// runs the producer, the reply-preview relay and the outbound stage (stopped after the server): how tests start the whole daemon
    /// with HummingbirdTesting.
    public func makeApplication(runningServices: Bool) throws -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            server: SwitchboardHTTPServer.http1(),
            configuration: ApplicationConfiguration(
                address: .hostname(environment.settings.httpHost, port: environment.settings.httpPort),
                serverName: "switchboard-channel-webhook"),
            services: runningServices ? [producer] + spoolServices + relayServices + [try makeOutboundRunner()] : [],
            logger: context.logger)
    }
}
