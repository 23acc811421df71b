import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// `switchboard send --channel <vendor>` against the six daemons running as processes: channel-webhook
/// accepts the signed webhooks, the envelopes land on the inbound topic and in MongoDB, and `--wait` prints
/// the bot's reply.
@Suite(.serialized) struct SendWebhookDaemonTests {
    static let secrets = [
        "SWITCHBOARD_TENANT_DEMO_WHATSAPP_APP_SECRET": "daemon-wa-secret",
        "SWITCHBOARD_TENANT_DEMO_MESSENGER_APP_SECRET": "daemon-fb-secret",
        "SWITCHBOARD_TENANT_DEMO_TELEGRAM_SECRET_TOKEN": "daemon-tg-token",
        "SWITCHBOARD_TENANT_DEMO_TWILIO_AUTH_TOKEN": "daemon-twilio-token",
        "SWITCHBOARD_TWILIO_PUBLIC_BASE_URL": "https://switchboard.example.com",
    ]

    struct Sent {
        var channel: String
        var messageId: String
        var envelopeId: UUID
        var user: String
        var text: String
    }

    @Test func signedWebhooksReachTheInboundTopicAndMongoAndWaitPrintsTheReply() async throws {
        let daemons = try DaemonProcesses(idleTimeoutSeconds: 600, extra: Self.secrets)
        defer { daemons.signalAll() }
        try await daemons.startAll()
        try await daemons.waitUntilReady()
        let cli = CLIProcess(against: daemons)

        func send(_ channel: String, _ user: String, _ text: String, _ extra: [String] = []) async throws -> Sent {
            let result = try await cli.run(
                ["send", "--channel", channel, "--user", user, "--text", text, "--timeout", "60"] + extra)
            #expect(result.status == 0, "\(channel): \(result.error)\n\(daemons.tail("channel-webhook"))")
            let words = result.output.split(separator: "\n").first?.split(separator: " ").map(String.init) ?? []
            #expect(words.prefix(3) == [channel, "200", "message"], "\(result.output)")
            let envelopeId = try #require(words.count == 6 ? UUID(uuidString: words[5]) : nil, "\(result.output)")
            return Sent(channel: channel, messageId: words[3], envelopeId: envelopeId, user: user, text: text)
        }

        // WhatsApp with --wait: the bot's reply to the greeting is printed once it is stored.
        let waited = try await cli.run([
            "send", "--channel", "whatsapp", "--user", "+31612345678", "--text", "Hello!", "--wait", "--timeout", "90",
        ])
        #expect(waited.status == 0, "\(waited.error)\n\(daemons.tail("message-router"))")
        let lines = waited.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(waited.output)")
        #expect(lines.first?.hasPrefix("whatsapp 200 message wamid.") == true, "\(waited.output)")
        #expect(lines.last?.hasPrefix("reply (bot, ") == true, "\(waited.output)")

        var sent = [
            try await send("sms", "+14133881111", "Hello by SMS"),
            try await send("twilio-whatsapp", "+31687654321", "Hello through Twilio"),
            try await send("telegram", "1111111", "Hello from Telegram"),
            try await send("messenger", "5678", "Hello from Messenger"),
        ]
        // The same message id again, as a vendor's redelivery: accepted, and the same envelope.
        let redelivered = try await send("sms", "+14133881111", "Hello by SMS", ["--message-id", sent[0].messageId])
        #expect(redelivered.envelopeId == sent[0].envelopeId)
        sent.append(redelivered)

        // Every envelope is on the inbound topic as sent.
        var logger = Logger(label: "send-webhook-tests")
        logger.logLevel = .error
        let reader = try KafkaPartitionReader(
            configuration: KafkaConfiguration(brokers: try TestStack.kafkaBrokers), logger: logger)
        _ = try await reader.assign(topics: [daemons.prefix + ".inbound"], from: .beginning)
        var inbound: [UUID: [Envelope]] = [:]
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        while clock.now < deadline, !sent.allSatisfy({ (inbound[$0.envelopeId]?.count ?? 0) >= 1 }) {
            for record in try await reader.poll(wait: .milliseconds(250)) {
                if let envelope = try? EnvelopeCodec().decode(record.value) {
                    inbound[envelope.id, default: []].append(envelope)
                }
            }
        }
        let expectedChannels: [String: Channel] = [
            "sms": .sms, "twilio-whatsapp": .whatsapp, "telegram": .telegram, "messenger": .messenger,
        ]
        for message in sent {
            let envelope = try #require(inbound[message.envelopeId]?.first, "\(message.channel) not on inbound")
            #expect(envelope.channel == expectedChannels[message.channel])
            #expect(envelope.externalId == message.user)
            #expect(envelope.content == .text(message.text))
            #expect(envelope.tenantId == "demo")
        }

        // And stored in MongoDB once (session stores inbound messages), the redelivery included.
        let database = try await SwitchboardDatabase.connect(
            configuration: try MongoConfiguration(environment: daemons.environment), logger: logger)
        for message in sent {
            var stored = try await database.messages.message(id: message.envelopeId)
            for _ in 0..<100 where stored == nil {
                try await Task.sleep(for: .milliseconds(300))
                stored = try await database.messages.message(id: message.envelopeId)
            }
            let found = try #require(stored, "\(message.channel) \(message.envelopeId) not stored")
            #expect(found.direction == "inbound" && found.external_id == message.user)
        }
    }
}
