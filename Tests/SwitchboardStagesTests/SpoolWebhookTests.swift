import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// channel-webhook configured with a spool, against the local stack: a message sent while the broker is away
/// is accepted, and reaches the broker after channel-webhook restarts with the broker back.
@Suite("channel-webhook with a spool")
struct SpoolWebhookTests {
    @Test func aMessageSentWhileTheBrokerIsAwayIsAcceptedAndDeliveredAfterARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestStack.uniqueName("spool"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = try ChannelWebhookTestEnvironment.make(
            replyWaitMilliseconds: 0,
            extra: ["SWITCHBOARD_SPOOL_DIR": directory.path, "SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS": "300"])
        let settings = try ChannelWebhookConfiguration(environment: environment).spool
        #expect(settings.directory?.path == directory.path)
        #expect(settings.publishTimeout == .milliseconds(300))
        let logger = TestStack.logger("spool-webhook-tests")
        var quiet = logger
        quiet.logLevel = .critical

        var deadKafka = KafkaConfiguration(brokers: "127.0.0.1:1", clientID: "switchboard-tests")
        deadKafka.messageTimeout = .milliseconds(1500)
        var deadEnvironment = environment
        deadEnvironment.kafka = deadKafka
        let database = try await SwitchboardDatabase.connect(configuration: environment.mongo, logger: logger)
        let deadProducer = try KafkaProducer(configuration: deadKafka, logger: quiet)
        let messageId: String?
        do {
            let spool = try await InboundSpool.open(configuration: settings, sink: deadProducer, logger: quiet)
            let daemon = try ChannelWebhookDaemon(
                environment: deadEnvironment, producer: deadProducer, database: database, readinessChecks: [],
                metricsRegistry: .init(), spool: spool, logger: logger)
            messageId = try await daemon.makeApplication(runningServices: false).test(.router) { client in
                try await client.execute(
                    uri: "/api/v1/messages", method: .post,
                    headers: [
                        .authorization: "Bearer \(ChannelWebhookTestEnvironment.apiKey)",
                        .contentType: "application/json",
                    ],
                    body: ByteBuffer(string: #"{"user_id":"u1","message":"Anyone there?"}"#)
                ) { response in
                    #expect(response.status == .accepted)
                    let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    return answer?["message_id"] as? String
                }
            }
            #expect(spool.depth.records == 1)
        }
        await deadProducer.shutdown(timeout: .milliseconds(100))

        let producer = try KafkaProducer(configuration: environment.kafka, logger: logger)
        let spool = try await InboundSpool.open(configuration: settings, sink: producer, logger: logger)
        #expect(spool.depth.records == 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await spool.run() }
            defer { group.cancelAll() }
            try await withTimeout(.seconds(60), "the spool to drain") {
                await spool.waitUntilEmpty()
            }
        }
        await producer.shutdown(timeout: .seconds(5))

        let consumer = try KafkaConsumer(
            configuration: environment.kafka, groupID: TestStack.uniqueName("spool-webhook"),
            topics: [environment.settings.topics.inbound], logger: logger)
        let records = try await consumer.collect(1)
        await consumer.close()
        let envelope = try EnvelopeCodec().decode(try #require(records.first).value)
        #expect(envelope.id.uuidString.lowercased() == messageId?.lowercased())
        #expect(envelope.content == .text("Anyone there?"))
        try? await database.client.dropDatabase()
    }

    @Test func channelWebhookStartsAndSpoolsWhileTheBrokerIsAwayFromTheStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestStack.uniqueName("spool"))
        defer { try? FileManager.default.removeItem(at: directory) }
        var environment = try ChannelWebhookTestEnvironment.make(
            replyWaitMilliseconds: 0,
            extra: ["SWITCHBOARD_SPOOL_DIR": directory.path, "SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS": "300"])
        var deadKafka = KafkaConfiguration(brokers: "127.0.0.1:1", clientID: "switchboard-tests")
        deadKafka.messageTimeout = .milliseconds(1500)
        environment.kafka = deadKafka
        var quiet = TestStack.logger("spool-start-tests")
        quiet.logLevel = .critical
        // Without the spool, start-up waits for the broker to create the topics; with it, it does not.
        let (starting, logger) = (environment, quiet)
        let daemon = try await withTimeout(.seconds(30), "channel-webhook to start without a broker") {
            try await ChannelWebhookDaemon.make(environment: starting, logger: logger)
        }
        let spool = try #require(daemon.spool)
        try await daemon.makeApplication(runningServices: false).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/messages", method: .post,
                headers: [
                    .authorization: "Bearer \(ChannelWebhookTestEnvironment.apiKey)", .contentType: "application/json",
                ],
                body: ByteBuffer(string: #"{"user_id":"u1","message":"Anyone there?"}"#)
            ) { response in
                #expect(response.status == .accepted)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains("spool"))
                #expect(!body.contains("kafka"))
            }
        }
        #expect(spool.depth.records == 1)
        #expect(spool.hasRoom)
        await daemon.producer.shutdown(timeout: .milliseconds(100))
        try? await daemon.context.database.client.dropDatabase()
    }
}
