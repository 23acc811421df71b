import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport

/// An in-memory daemon environment on the test run's broker and database, with its own topic prefix and
/// database, and the demo tenant plus an always-closed one.
struct StageTestEnvironment {
    let environment: DaemonEnvironment
    let database: SwitchboardDatabase
    let logger = TestStack.logger("stage-tests")

    var topics: TopicNames { environment.settings.topics }

    static let tenantsYAML = """
        tenants:
          - id: demo
            idle_timeout_seconds: 60
            nlp:
              confidence_threshold: 0.5
            desk:
              max_conversations_per_agent: 2
              assign_timeout_seconds: 60
              still_waiting_message: "Still with us? Everyone is busy; the next free person will answer."
          - id: night
            rules:
              business_hours:
                time_zone: UTC
                monday: ["00:00-00:01"]
              offline_reply: "We are closed."
            desk:
              assign_timeout_seconds: 60
        """

    init(idleTimeoutSeconds: Int = 60) async throws {
        let name = TestStack.uniqueName("stages")
        let mongo = MongoConfiguration(
            uri: try TestStack.mongoURI, database: name.replacingOccurrences(of: "-", with: "_"))
        environment = try Self.environment(
            name: name, kafka: try TestStack.kafkaConfiguration(), mongo: mongo, idleTimeoutSeconds: idleTimeoutSeconds)
        database = try await SwitchboardDatabase.connect(configuration: mongo, logger: logger)
    }

    /// The environment alone, for stage logic over in-memory stores (nothing connects).
    static func inMemory(idleTimeoutSeconds: Int = 60) async throws -> DaemonEnvironment {
        try environment(
            name: "unit", kafka: KafkaConfiguration(), mongo: MongoConfiguration(),
            idleTimeoutSeconds: idleTimeoutSeconds)
    }

    private static func environment(
        name: String, kafka: KafkaConfiguration, mongo: MongoConfiguration, idleTimeoutSeconds: Int
    ) throws -> DaemonEnvironment {
        let settings = try SwitchboardSettings(
            environment: ["SWITCHBOARD_TOPIC_PREFIX": name + ".", "SWITCHBOARD_TOPIC_PARTITIONS": "3"],
            defaultHTTPPort: 0)
        let yaml = Self.tenantsYAML.replacingOccurrences(
            of: "idle_timeout_seconds: 60", with: "idle_timeout_seconds: \(idleTimeoutSeconds)")
        let tenants = try TenantDirectory(parsing: yaml)
        return DaemonEnvironment(
            name: "test", settings: settings, kafka: kafka, mongo: mongo,
            tenants: tenants,
            secrets: TenantSecrets(
                tenantIds: ["demo", "night"],
                environment: [
                    "SWITCHBOARD_TENANT_DEMO_API_KEY": "demo-key", "SWITCHBOARD_TENANT_DEMO_AGENT_KEY": "agent-key",
                ]),
            tenantsDirectory: URL(fileURLWithPath: "/nonexistent"))
    }

    func context(_ topic: String) -> StageContext {
        StageContext(logger: logger, topic: topic, partition: 0, offset: 0, topics: topics)
    }

    func drop() async {
        try? await database.client.dropDatabase()
    }
}

func inbound(
    _ text: String, from user: String = "user-1", channel: Channel = .webchat, tenant: String = "demo",
    at time: Date = Date()
) -> Envelope {
    var envelope = Envelope(
        id: UUIDv7Generator().next(), tenantId: tenant, channel: channel, direction: .inbound,
        channelMessageId: UUID().uuidString, externalId: user, content: .text(text), receivedAt: time,
        traceId: UUID().uuidString)
    envelope.conversationId = "conversation-\(user)"
    return envelope
}

extension Array where Element == StageOutput {
    /// The envelopes among these outputs for `topic`, as the next stage decodes them.
    func envelopes(on topic: String) throws -> [Envelope] {
        try filter { $0.topic == topic }.map { try EnvelopeCodec().decode($0.record().value) }
    }

    func events(on topic: String) throws -> [SwitchboardEvent] {
        try filter { $0.topic == topic }.map {
            try SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data($0.record().value))
        }
    }
}
