public import Logging
public import SwitchboardCore
public import SwitchboardKafka
public import SwitchboardObservability
public import SwitchboardRuntime

/// What every daemon connects to: the producer, the topics, and (for the daemons that keep state) the
/// database with its indexes.
public struct DaemonParts: Sendable {
    public let environment: DaemonEnvironment
    public let producer: KafkaProducer
    /// The database, for daemons connected with `needsDatabase` (all but the router and the bot).
    public let connectedDatabase: SwitchboardDatabase?
    public let logger: Logger
    private let admin: KafkaAdmin

    public var topics: TopicNames { environment.settings.topics }

    /// The database of a daemon connected with `needsDatabase`.
    public var database: SwitchboardDatabase {
        guard let connectedDatabase else { preconditionFailure("this daemon was connected without a database") }
        return connectedDatabase
    }

    /// Connects to the broker and, unless `needsDatabase` is false, the database, creating missing topics and
    /// indexes. A daemon without a database neither connects to one nor waits for it to be ready.
    ///
    /// With `topics` given, the topics are created in the background instead, retrying until the broker
    /// answers, and `topics` opens once they exist: channel-webhook with a spool starts, and takes webhooks into
    /// the spool, while the broker is away.
    public static func connect(
        _ environment: DaemonEnvironment, logger: Logger, needsDatabase: Bool = true, topics: TopicsReady? = nil
    ) async throws -> DaemonParts {
        try KafkaLibrary.requireSupportedVersion()
        let settings = environment.settings
        if let topics {
            Task {
                do {
                    try await TopicBootstrap.ensureTopics(
                        settings.topics, partitions: settings.topicPartitions, kafka: environment.kafka,
                        logger: logger, attempts: .max)
                    topics.open()
                    logger.info("Topics ready")
                } catch {
                    logger.critical("Could not create the topics", metadata: ["error": "\(error)"])
                }
            }
        } else {
            try await TopicBootstrap.ensureTopics(
                settings.topics, partitions: settings.topicPartitions, kafka: environment.kafka, logger: logger)
        }
        let database =
            needsDatabase
            ? try await SwitchboardDatabase.connect(configuration: environment.mongo, logger: logger) : nil
        return DaemonParts(
            environment: environment,
            producer: try KafkaProducer(configuration: environment.kafka, logger: logger),
            connectedDatabase: database,
            logger: logger,
            admin: try KafkaAdmin(configuration: environment.kafka, logger: logger, timeout: .seconds(2)))
    }

    /// Readiness: the broker answers a metadata request and, if connected, the database a ping.
    public var readinessChecks: [ReadinessCheck] {
        let admin = self.admin
        var checks = [ReadinessCheck(name: "kafka") { (try? await admin.listTopics()) != nil }]
        if let database = connectedDatabase {
            checks.append(ReadinessCheck(name: "mongo") { await database.isReachable() })
        }
        return checks
    }

    /// `/health/live`, `/health/ready` (these checks) and `/metrics` for the daemon's HTTP server.
    public var opsEndpoints: OpsEndpoints {
        OpsEndpoints(registry: environment.metrics, checks: readinessChecks)
    }

    /// A stage runner consuming `input` with `handler`.
    public func runner(stage: String, input: String, handler: any StageHandler) throws -> StageRunner {
        try StageRunner(
            configuration: StageRunner.Configuration(stage: stage, inputTopic: input, topics: topics),
            kafka: environment.kafka, producer: producer, handler: handler, logger: logger)
    }
}
