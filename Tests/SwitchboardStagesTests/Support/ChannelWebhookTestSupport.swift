import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization

/// A channel-webhook environment on the test stack: unique topics and database, tenant `acme` with key
/// ``apiKey``.
enum ChannelWebhookTestEnvironment {
    static let apiKey = "acme-test-key-0123456789"

    static func make(
        replyWaitMilliseconds: Int = 20_000, maxBodyBytes: Int? = nil, extra: [String: String] = [:],
        tenant: TenantConfiguration = TenantConfiguration(id: "acme")
    ) throws -> DaemonEnvironment {
        var variables = [
            "SWITCHBOARD_TOPIC_PREFIX": TestStack.uniqueName("webhook") + ".",
            "SWITCHBOARD_TOPIC_PARTITIONS": "2",
            "SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS": String(replyWaitMilliseconds),
            "SWITCHBOARD_TENANT_ACME_API_KEY": apiKey,
        ]
        if let maxBodyBytes { variables["SWITCHBOARD_WEBCHAT_MAX_BODY_BYTES"] = String(maxBodyBytes) }
        variables.merge(extra) { _, new in new }
        var settings = try SwitchboardSettings(environment: variables, defaultHTTPPort: 8080)
        settings.httpPort = 0
        return DaemonEnvironment(
            name: "channel-webhook", settings: settings, kafka: try TestStack.kafkaConfiguration(),
            mongo: MongoConfiguration(
                uri: try TestStack.mongoURI, database: TestStack.uniqueName("webhook"), maxPoolSize: 4),
            tenants: try TenantDirectory(tenants: [tenant]),
            secrets: TenantSecrets(tenantIds: ["acme"], environment: variables),
            tenantsDirectory: URL(fileURLWithPath: "/tmp"), variables: variables)
    }

    /// Connects a daemon, runs `body`, drops the database.
    static func withDaemon<R>(
        _ environment: DaemonEnvironment, adapters: [any ChannelAdapter]? = nil,
        _ body: (ChannelWebhookDaemon) async throws -> R
    ) async throws -> R {
        let logger = TestStack.logger("channel-webhook-tests")
        var daemon = try await ChannelWebhookDaemon.make(environment: environment, logger: logger)
        if let adapters {
            daemon = try ChannelWebhookDaemon(
                environment: environment, producer: daemon.producer, database: daemon.context.database,
                readinessChecks: [], metricsRegistry: .init(), adapters: adapters, logger: logger)
        }
        do {
            let result = try await body(daemon)
            try? await daemon.context.database.client.dropDatabase()
            return result
        } catch {
            try? await daemon.context.database.client.dropDatabase()
            throw error
        }
    }
}

/// Stands in for the pipeline between `inbound` and `outbound`: stores each inbound message (as the session
/// stage does) and answers it with `echo: <text>` from the bot, or ``options`` to ``askForOptions``.
final class ChannelWebhookFakeBot: Sendable {
    /// The message the bot answers with ``options``.
    static let askForOptions = "options please"
    /// A rich reply: a choice of two.
    static let options = Content.choice(
        .init(text: "Which one?", options: [.init(id: "tea", title: "Tea"), .init(id: "coffee", title: "Coffee")]))

    let seen = Mutex<[UUID]>([])
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let database: SwitchboardDatabase
    private let topics: TopicNames

    init(environment: DaemonEnvironment, producer: KafkaProducer, database: SwitchboardDatabase) throws {
        topics = environment.settings.topics
        consumer = try KafkaConsumer(
            configuration: environment.kafka, groupID: TestStack.uniqueName("fake-bot"), topics: [topics.inbound],
            logger: TestStack.logger("fake-bot"))
        self.producer = producer
        self.database = database
    }

    /// Answers until ``stop()``.
    func run() async throws {
        for try await batch in consumer.batches() {
            for record in batch {
                let inbound = try EnvelopeCodec().decode(record.value)
                seen.withLock { $0.append(inbound.id) }
                try await database.messages.insertIfNew(.init(inbound, status: "received", at: inbound.receivedAt))
                let text = inbound.content?.textForUnderstanding ?? ""
                let content = text == Self.askForOptions ? Self.options : .text("echo: \(text)")
                let reply = inbound.reply(content: content, sender: .bot, stage: "nlp-plugin", at: Date())
                try await producer.send(try StageOutput.envelope(reply, to: topics.outbound).record())
            }
            try await consumer.commit(batch)
        }
    }

    /// Runs the bot beside `body`, then stops it and leaves its group.
    static func alongside<R: Sendable>(
        _ daemon: ChannelWebhookDaemon, _ body: @escaping @Sendable (ChannelWebhookFakeBot) async throws -> R
    ) async throws -> R {
        let bot = try ChannelWebhookFakeBot(
            environment: daemon.environment, producer: daemon.producer, database: daemon.context.database)
        let result = try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                try await bot.run()
                return nil
            }
            defer { bot.consumer.stop() }
            return try await body(bot)
        }
        await bot.consumer.close()
        return result
    }
}
