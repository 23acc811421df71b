public import Logging
public import SwitchboardCore
public import SwitchboardKafka
public import SwitchboardObservability
public import SwitchboardRuntime

/// What every daemon connects to: the producer, the database with its indexes, and the topics.
public struct DaemonParts: Sendable {
    public let environment: DaemonEnvironment
    public let producer: KafkaProducer
    public let database: SwitchboardDatabase
    public let logger: Logger
    private let admin: KafkaAdmin

    public var topics: TopicNames { environment.settings.topics }

    /// Connects to the broker and database, creating missing topics and indexes.
    public static func connect(_ environment: DaemonEnvironment, logger: Logger) async throws -> DaemonParts {
        try KafkaLibrary.requireSupportedVersion()
        try await TopicBootstrap.ensureTopics(
            environment.settings.topics, partitions: environment.settings.topicPartitions, kafka: environment.kafka,
            logger: logger)
        let database = try await SwitchboardDatabase.connect(configuration: environment.mongo, logger: logger)
        return DaemonParts(
            environment: environment,
            producer: try KafkaProducer(configuration: environment.kafka, logger: logger),
            database: database,
            logger: logger,
            admin: try KafkaAdmin(configuration: environment.kafka, logger: logger, timeout: .seconds(2)))
    }

    /// Readiness: the broker answers a metadata request and the database a ping.
    public var readinessChecks: [ReadinessCheck] {
        let admin = self.admin
        let database = self.database
        return [
            ReadinessCheck(name: "kafka") { (try? await admin.listTopics()) != nil },
            ReadinessCheck(name: "mongo") { await database.isReachable() },
        ]
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
