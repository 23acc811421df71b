import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
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
        let handler = IdentificationHandler(profiles: parts.database.profiles, environment: environment)
        return try services(
            parts, stage: "customer-identification", input: parts.topics.inbound,
            handler: DurableWrites(handler, barrier: parts.database, onLostWrites: { handler.forgetAll() }))
    }

    public static func session(_ environment: DaemonEnvironment, logger: Logger) async throws -> [any Service] {
        let parts = try await DaemonParts.connect(environment, logger: logger)
        let handler = SessionHandler(store: parts.database, environment: environment)
        let sweeper = SessionSweeper(
            sessions: parts.database.sessions, producer: parts.producer, environment: environment,
            interval: try environment.milliseconds("SWITCHBOARD_SESSION_SWEEP_MS", default: .seconds(30)),
            logger: logger, onExpired: { handler.forget(customerId: $0) })
        var services = try services(
            parts, stage: "session", input: parts.topics.identified,
            handler: DurableWrites(handler, barrier: parts.database, onLostWrites: { handler.forgetAll() }))
        services.insert(sweeper, at: 1)
        return services
    }

    public static func messageRouter(_ environment: DaemonEnvironment, logger: Logger) async throws -> [any Service] {
        let parts = try await DaemonParts.connect(environment, logger: logger, needsDatabase: false)
        return try services(
            parts, stage: "message-router", input: parts.topics.sessioned,
            handler: RouterHandler(environment: environment).perEnvelope())
    }

    public static func nlpPlugin(_ environment: DaemonEnvironment, logger: Logger) async throws -> [any Service] {
        let engine = try NLPModels.builtInEngine(for: environment)
        logger.info("NLP models trained", metadata: ["tenants": "\(environment.tenants.tenants.map(\.id))"])
        let parts = try await DaemonParts.connect(environment, logger: logger, needsDatabase: false)
        let handler = NLPHandler(
            engine: engine, templates: { engine.templates(forTenant: $0) }, environment: environment
        ).perEnvelope()
        return try services(parts, stage: "nlp-plugin", input: parts.topics.nlp, handler: handler)
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

/// Training the built-in NLP engine from the tenants' training files at start-up.
public enum NLPModels {
    /// One model per tenant: its `nlp.training_file` (relative to the tenants file), or the demo training
    /// data when it names none.
    public static func builtInEngine(for environment: DaemonEnvironment) throws -> BuiltInNLPEngine {
        var models: [String: NLUModel] = [:]
        for tenant in environment.tenants.tenants {
            var yaml = DemoTrainingData.yaml
            if let path = tenant.nlp.trainingFile {
                let url =
                    path.hasPrefix("/")
                    ? URL(fileURLWithPath: path)
                    : environment.tenantsDirectory.appendingPathComponent(path)
                do {
                    yaml = try String(contentsOf: url, encoding: .utf8)
                } catch {
                    throw TenantConfigurationError("tenant '\(tenant.id)': cannot read training file \(url.path)")
                }
            }
            models[tenant.id] = try NLUModel(yaml: yaml)
        }
        return BuiltInNLPEngine(models: models)
    }
}
