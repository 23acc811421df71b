import Foundation
public import Logging
public import ServiceLifecycle
import SwitchboardCore
import SwitchboardKafka
import SwitchboardObservability
import SwitchboardRuntime

/// The factories of the four daemons that are a stage loop plus the ops endpoints. Tests call them with an
/// in-memory `DaemonEnvironment`; the executables call them through `DaemonMain`.
public enum StageDaemons {
    public static func customerIdentification(
        _ environment: DaemonEnvironment, logger: Logger
    ) async throws
        -> [any Service]
    {
        let parts = try await DaemonParts.connect(environment, logger: logger)
        let handler = IdentificationHandler(
            profiles: parts.database.profiles, environment: environment, consent: parts.database.profiles)
        return try services(
            parts, stage: "customer-identification", input: parts.topics.inbound,
            handler: DropErased(
                DurableWrites(handler, barrier: parts.database, onLostWrites: { handler.forgetAll() }),
                erasures: parts.database.erasures, onNewErasures: { handler.erased($0) }))
    }

    public static func session(_ environment: DaemonEnvironment, logger: Logger) async throws -> [any Service] {
        let parts = try await DaemonParts.connect(environment, logger: logger)
        let handler = SessionHandler(store: parts.database, environment: environment)
        // A session is idle only once everything that reached channel-webhook before has been sessioned.
        let chain = [("customer-identification", parts.topics.inbound), ("session", parts.topics.identified)].map {
            KafkaGroupProgress.Stage(
                group: StageRunner.Configuration(stage: $0, inputTopic: $1, topics: parts.topics).groupID, topic: $1)
        }
        let progress = PipelineProgress(
            reader: try KafkaGroupProgress(stages: chain, configuration: environment.kafka, logger: logger))
        let sweeper = SessionSweeper(
            sessions: parts.database.sessions, producer: parts.producer, environment: environment,
            interval: try environment.milliseconds("SWITCHBOARD_SESSION_SWEEP_MS", default: .seconds(30)),
            logger: logger, processedThrough: { try await progress.processedThrough() },
            onExpired: { handler.forget(customerId: $0) }, database: parts.database)
        var services = try services(
            parts, stage: "session", input: parts.topics.identified,
            handler: DropErased(
                DurableWrites(handler, barrier: parts.database, onLostWrites: { handler.forgetAll() }),
                erasures: parts.database.erasures, onNewErasures: { _ in handler.forgetAll() }))
        services.insert(sweeper, at: 1)
        let retention = RetentionSweeper(
            database: parts.database, tenants: environment.tenants,
            interval: try environment.milliseconds("SWITCHBOARD_RETENTION_SWEEP_MS", default: .seconds(3600)),
            logger: logger)
        services.insert(retention, at: 2)
        return services
    }

    public static func messageRouter(_ environment: DaemonEnvironment, logger: Logger) async throws -> [any Service] {
        let parts = try await DaemonParts.connect(environment, logger: logger, needsDatabase: false)
        return try services(
            parts, stage: "message-router", input: parts.topics.sessioned,
            handler: RouterHandler(environment: environment).perEnvelope())
    }

    public static func nlpPlugin(_ environment: DaemonEnvironment, logger: Logger) async throws -> [any Service] {
        // A model file that fails its checksum or training data that does not parse stops the start here.
        let reloader = try await NLPModels.reloader(for: environment, logger: logger)
        let reloadInterval = try environment.milliseconds("SWITCHBOARD_NLP_RELOAD_MS", default: .seconds(10))
        let engine = reloader.engine
        // The database only when a tenant's bot reads the session: a language model's context, forms, or the
        // options a numbered answer picks (templates with buttons, actions that may answer with buttons).
        let needsDatabase = BotServices.needsDatabase(environment.tenants) { tenant in
            engine.templates(forTenant: tenant)?.offersChoices == true
        }
        let parts = try await DaemonParts.connect(environment, logger: logger, needsDatabase: needsDatabase)
        // Previews of web chat replies a language model is writing, for channel-webhook's streams.
        let previews = ReplyDeltaPublisher(producer: parts.producer, topic: parts.topics.replyDeltas, logger: logger)
        // Typing indicators shown before a slow engine answers, straight to the outbound topic.
        let typing = SenderActionPublisher(producer: parts.producer, topic: parts.topics.outbound, logger: logger)
        let bot = try BotServices.build(
            environment: environment, builtIn: engine, transport: PooledBotHTTPTransport(),
            history: parts.connectedDatabase?.messages, forms: parts.connectedDatabase?.sessions, deltas: previews,
            senderActions: typing, choices: parts.connectedDatabase?.messages)
        let nlp = NLPHandler(
            bot: bot, templates: { engine.templates(forTenant: $0) }, intents: { engine.model(forTenant: $0)?.intents },
            environment: environment)
        let handler: any StageHandler =
            if let database = parts.connectedDatabase {
                // With the database at hand, an erased customer's message in flight reaches no engine either.
                DropErased(DurableWrites(nlp.perEnvelope(), barrier: database), erasures: database.erasures)
            } else {
                nlp.perEnvelope()
            }
        var services = try services(parts, stage: "nlp-plugin", input: parts.topics.nlp, handler: handler)
        if reloadInterval > .zero {
            services.insert(NLPModelWatcher(reloader: reloader, interval: reloadInterval), at: 1)
        }
        // Started after the producer, stopped before it (a group stops in reverse), after the runner.
        services.insert(previews, at: 1)
        services.insert(typing, at: 1)
        return services
    }

    /// [producer, runner, ops server]: a service group shuts down in reverse, so the HTTP server and the
    /// consumer stop before the producer flushes.
    static func services(
        _ parts: DaemonParts, stage: String, input: String, handler: any StageHandler
    ) throws -> [any Service] {
        let runner = try parts.runner(stage: stage, input: input, handler: handler)
        let ops = OpsServer(
            host: parts.environment.settings.httpHost, port: parts.environment.settings.httpPort,
            endpoints: parts.opsEndpoints, logger: parts.logger)
        return [parts.producer, runner, ops]
    }
}
