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

/// Tests against the real local broker and database, one at a time: the outbound stage's consumer group
/// (`switchboard-channel-webhook-outbound`) is the same in every test.
@Suite("channel-webhook against the local stack", .serialized)
enum ChannelWebhookStackTests {}

/// The web chat API through HummingbirdTesting.
extension ChannelWebhookStackTests {
    @Suite("web chat API") struct HTTP {
        let key = ChannelWebhookTestEnvironment.apiKey

        func headers(_ extra: [HTTPField.Name: String] = [:]) -> HTTPFields {
            var fields: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
            for (name, value) in extra { fields[name] = value }
            return fields
        }

        func json(_ body: ByteBuffer) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
        }

        func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

        @Test func refusesMissingOrWrongKeys() async throws {
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make()) { daemon in
                try await daemon.makeApplication(runningServices: false).test(.router) { client in
                    let message = body(#"{"user_id":"u1","message":"Hi"}"#)
                    try await client.execute(uri: "/api/v1/messages", method: .post, body: message) { response in
                        #expect(response.status == .unauthorized)
                        let answer = try json(response.body)
                        #expect(answer["error"] as? String == "missing or invalid API key")
                    }
                    try await client.execute(
                        uri: "/api/v1/messages", method: .post, headers: [.authorization: "Bearer wrong-key"],
                        body: message
                    ) { response in
                        #expect(response.status == .unauthorized)
                    }
                    try await client.execute(
                        uri: "/api/v1/user/u1/messages/c1", method: .get,
                        headers: [HTTPField.Name("X-Api-Key")!: "nope"]
                    ) { response in
                        #expect(response.status == .unauthorized)
                    }
                }
            }
        }

        @Test func refusesInvalidAndOversizedBodies() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(maxBodyBytes: 1024)
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                try await daemon.makeApplication(runningServices: false).test(.router) { client in
                    try await client.execute(
                        uri: "/api/v1/messages", method: .post, headers: headers(), body: body("{oops")
                    ) { response in
                        #expect(response.status == .badRequest)
                        let answer = try json(response.body)
                        #expect(answer["error"] as? String == "request body is not valid JSON")
                    }
                    try await client.execute(
                        uri: "/api/v1/messages", method: .post, headers: headers(), body: body(#"{"message":"Hi"}"#)
                    ) { response in
                        #expect(response.status == .badRequest)
                        let answer = try json(response.body)
                        #expect(answer["error"] as? String == "'user_id' is required")
                    }
                    let large = String(repeating: "x", count: 2000)
                    try await client.execute(
                        uri: "/api/v1/messages", method: .post, headers: headers(),
                        body: body(#"{"user_id":"u1","message":"\#(large)"}"#)
                    ) { response in
                        #expect(response.status == .contentTooLarge)
                        let answer = try json(response.body)
                        #expect(answer["error"] as? String == "request body is larger than 1024 bytes")
                    }
                    try await client.execute(uri: "/api/v1/user/u1/messages/unknown", method: .get, headers: headers())
                    {
                        response in
                        #expect(response.status == .unauthorized)
                        let answer = try json(response.body)
                        #expect(
                            answer["error"] as? String == "this conversation needs its visitor token (X-Visitor-Token)")
                    }
                }
            }
        }

        @Test func publishesTheEnvelopeToInboundBeforeAnswering() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(replyWaitMilliseconds: 200)
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                let answer = try await daemon.makeApplication(runningServices: false).test(.router) { client in
                    try await client.execute(
                        uri: "/api/v1/messages", method: .post,
                        headers: headers([HTTPField.Name("X-Trace-Id")!: "trace-abc"]),
                        body: body(
                            #"{"conversation_id":"conv-7","user_id":"visitor-1","message":"Where is my order?"}"#)
                    ) { response in
                        #expect(response.status == .accepted)
                        return try json(response.body)
                    }
                }
                #expect(answer["conversation_id"] as? String == "conv-7")
                let messageId = try #require(answer["message_id"] as? String)
                #expect(answer["reply"] == nil)

                let consumer = try KafkaConsumer(
                    configuration: environment.kafka, groupID: TestStack.uniqueName("reader"),
                    topics: [environment.settings.topics.inbound], logger: TestStack.logger("reader"))
                let records = try await consumer.collect(1)
                await consumer.close()
                let record = try #require(records.first)
                #expect(records.count == 1)
                #expect(record.key.map { String(decoding: $0, as: UTF8.self) } == "acme|webchat|visitor-1")
                #expect(record.header(EnvelopeHeaders.traceId) == "trace-abc")
                let envelope = try EnvelopeCodec().decode(record.value)
                #expect(envelope.id.uuidString.lowercased() == messageId)
                #expect(envelope.tenantId == "acme")
                #expect(envelope.channel == .webchat)
                #expect(envelope.direction == .inbound)
                #expect(envelope.externalId == "visitor-1")
                #expect(envelope.conversationId == "conv-7")
                #expect(envelope.content == .text("Where is my order?"))
                #expect(envelope.traceId == "trace-abc")
            }
        }

        @Test func answersWithTheBotsReplyAndShowsTheHistory() async throws {
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make()) { daemon in
                try await ChannelWebhookFakeBot.alongside(daemon) { _ in
                    try await daemon.makeApplication(runningServices: true).test(.router) { client in
                        let answer = try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers(),
                            body: body(#"{"conversation_id":"","user_id":"u1","message":"Hello there"}"#)
                        ) { response in
                            #expect(response.status == .ok)
                            return try json(response.body)
                        }
                        let reply = try #require(answer["reply"] as? [String: Any])
                        #expect(reply["text"] as? String == "echo: Hello there")
                        #expect(reply["sender"] as? String == "bot")
                        let conversation = try #require(answer["conversation_id"] as? String)
                        #expect(!conversation.isEmpty)
                        let token = try #require(answer["visitor_token"] as? String)
                        let withToken = headers([HTTPField.Name("X-Visitor-Token")!: token])

                        try await client.execute(
                            uri: "/api/v1/user/u1/messages/\(conversation)", method: .get, headers: withToken
                        ) { response in
                            #expect(response.status == .ok)
                            let history = try json(response.body)
                            let messages = try #require(history["messages"] as? [[String: Any]])
                            #expect(messages.map { $0["text"] as? String } == ["Hello there", "echo: Hello there"])
                            #expect(messages.map { $0["direction"] as? String } == ["inbound", "outbound"])
                            #expect(messages.map { $0["sender"] as? String } == ["customer", "bot"])
                            #expect(messages.first?["id"] as? String == answer["message_id"] as? String)
                        }
                        // Another visitor's name with this visitor's token: the token is bound to its visitor.
                        try await client.execute(
                            uri: "/api/v1/user/someone-else/messages/\(conversation)", method: .get, headers: withToken
                        ) { response in
                            #expect(response.status == .forbidden)
                        }
                    }
                }
            }
        }

        @Test func repeatedRequestIsPublishedOnceAndAnsweredFromTheStore() async throws {
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make()) { daemon in
                try await ChannelWebhookFakeBot.alongside(daemon) { bot in
                    try await daemon.makeApplication(runningServices: true).test(.router) { client in
                        let request = body(#"{"user_id":"u2","message":"Once","client_message_id":"cm-1"}"#)
                        var answers: [[String: Any]] = []
                        for _ in 0..<2 {
                            answers.append(
                                try await client.execute(
                                    uri: "/api/v1/messages", method: .post, headers: headers(), body: request
                                ) { response in
                                    #expect(response.status == .ok)
                                    return try json(response.body)
                                })
                        }
                        let first = try #require(answers.first)
                        let second = try #require(answers.last)
                        #expect(first["message_id"] as? String == second["message_id"] as? String)
                        #expect(first["conversation_id"] as? String == second["conversation_id"] as? String)
                        let firstReply = try #require(first["reply"] as? [String: Any])
                        let secondReply = try #require(second["reply"] as? [String: Any])
                        #expect(firstReply["id"] as? String == secondReply["id"] as? String)
                        #expect(secondReply["text"] as? String == "echo: Once")
                        // A later message of the same user takes the same partition after any second publication
                        // of the first: once it has been answered, the bot has seen everything before it.
                        let later = try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers(),
                            body: body(#"{"user_id":"u2","message":"Later","client_message_id":"cm-2"}"#)
                        ) { response in
                            #expect(response.status == .ok)
                            return try json(response.body)
                        }
                        #expect((later["reply"] as? [String: Any])?["text"] as? String == "echo: Later")
                        #expect(
                            bot.seen.withLock { $0.map { $0.uuidString.lowercased() } } == [
                                first["message_id"] as? String, later["message_id"] as? String,
                            ])
                    }
                }
            }
        }

        @Test func answers503WhenTheBrokerDoesNotAcknowledge() async throws {
            let appSecret = "broker-down-app-secret"
            let environment = try ChannelWebhookTestEnvironment.make(
                extra: ["SWITCHBOARD_TENANT_ACME_WHATSAPP_APP_SECRET": appSecret])
            var deadKafka = KafkaConfiguration(brokers: "127.0.0.1:1", clientID: "switchboard-tests")
            deadKafka.messageTimeout = .milliseconds(1500)
            var deadEnvironment = environment
            deadEnvironment.kafka = deadKafka
            let logger = TestStack.logger("channel-webhook-tests")
            let database = try await SwitchboardDatabase.connect(configuration: environment.mongo, logger: logger)
            let producer = try KafkaProducer(configuration: deadKafka, logger: logger)
            let daemon = try ChannelWebhookDaemon(
                environment: deadEnvironment, producer: producer, database: database, readinessChecks: [],
                metricsRegistry: .init(),
                adapters: [
                    WebChatAdapter(),
                    WhatsAppAdapter(secrets: environment.secrets, configuration: ProviderConfiguration(testing: [:])),
                ], logger: logger)
            try await daemon.makeApplication(runningServices: false).test(.router) { client in
                // A provider's webhook too: 503, so the provider delivers it again later.
                let webhook = try ProviderFixtures.bytes("whatsapp/text.json")
                let signature = MetaWebhookSecurity.signature(body: webhook, appSecret: appSecret)
                try await client.execute(
                    uri: "/webhooks/whatsapp/acme", method: .post,
                    headers: [HTTPField.Name("X-Hub-Signature-256")!: signature], body: ByteBuffer(bytes: webhook)
                ) { response in
                    #expect(response.status == .serviceUnavailable)
                    let reason = try #require(try json(response.body)["error"] as? String)
                    #expect(reason.hasPrefix("message broker unavailable: "))
                }
                try await client.execute(
                    uri: "/api/v1/messages", method: .post, headers: headers(),
                    body: body(#"{"user_id":"u1","message":"Anyone there?"}"#)
                ) { response in
                    #expect(response.status == .serviceUnavailable)
                    let reason = try #require(try json(response.body)["error"] as? String)
                    #expect(reason.hasPrefix("message broker unavailable: "))
                    #expect(reason.count > "message broker unavailable: ".count)
                }
            }
            await producer.shutdown(timeout: .milliseconds(100))
            try? await database.client.dropDatabase()
        }

        @Test func servesOverARealSocket() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(replyWaitMilliseconds: 100)
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                try await daemon.makeApplication(runningServices: false).test(.live) { client in
                    try await client.execute(uri: "/health/live", method: .get) { response in
                        #expect(response.status == .ok)
                    }
                    try await client.execute(
                        uri: "/api/v1/messages", method: .post, headers: headers(),
                        body: body(#"{"user_id":"live-1","message":"Over TCP"}"#)
                    ) { response in
                        #expect(response.status == .accepted)
                        let answer = try json(response.body)
                        #expect(answer["message_id"] as? String != nil)
                    }
                    try await client.execute(uri: "/metrics", method: .get) { response in
                        #expect(response.status == .ok)
                    }
                }
            }
        }
    }
}
