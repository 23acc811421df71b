import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing
import Yams

/// Tenant `demo`'s channel credentials in the channel end-to-end tests.
enum DemoCredentials {
    static let whatsAppAppSecret = "e2e-whatsapp-app-secret"
    /// The business number of `whatsapp/text.json` (`metadata.phone_number_id`).
    static let whatsAppPhoneNumberId = "106540352242922"
    static let whatsAppAccessToken = "EAAe2eWhatsAppToken"
    static let messengerAppSecret = "e2e-messenger-app-secret"
    static let messengerPageToken = "EAAe2eMessengerPageToken"
    static let telegramSecretToken = "e2e-telegram-secret_token"
    static let telegramBotToken = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    static let twilioAccountSid = "AC0123456789abcdef0123456789abcdef"
    static let twilioAuthToken = "e2e-twilio-auth-token"
    /// The number `twilio/inbound_sms.form` was sent to.
    static let twilioFrom = "+12028831111"
    /// What the number's webhook is configured as at Twilio: a public host in front of channel-webhook.
    static let twilioPublicURL = "https://switchboard.example.com/webhooks/sms/demo"

    /// Tenant `shop` runs its WhatsApp number through Twilio (`WHATSAPP_PROVIDER=twilio`).
    static let shopTwilioAccountSid = "AC1a03647d811fab342c0ad608e382fab2"
    static let shopTwilioAuthToken = "e2e-shop-twilio-auth-token"
    /// The number `twilio/inbound_whatsapp_text.form` was sent to.
    static let shopWhatsAppNumber = "+14123456789"
    static let shopTwilioPublicURL = "https://switchboard.example.com/webhooks/sms/shop"

    /// Credentials and API bases for `DaemonProcesses(extra:)`, with every vendor at `vendor`.
    static func environment(vendor: FakeVendorServer) -> [String: String] {
        let tenant = "SWITCHBOARD_TENANT_DEMO_"
        return [
            tenant + "WHATSAPP_APP_SECRET": whatsAppAppSecret,
            tenant + "WHATSAPP_PHONE_NUMBER_ID": whatsAppPhoneNumberId,
            tenant + "WHATSAPP_ACCESS_TOKEN": whatsAppAccessToken,
            tenant + "MESSENGER_APP_SECRET": messengerAppSecret,
            tenant + "MESSENGER_PAGE_TOKEN": messengerPageToken,
            tenant + "TELEGRAM_SECRET_TOKEN": telegramSecretToken,
            tenant + "TELEGRAM_BOT_TOKEN": telegramBotToken,
            tenant + "TWILIO_ACCOUNT_SID": twilioAccountSid,
            tenant + "TWILIO_AUTH_TOKEN": twilioAuthToken,
            tenant + "TWILIO_FROM": twilioFrom,
            tenant + "TWILIO_PUBLIC_URL": twilioPublicURL,
            "SWITCHBOARD_TENANT_SHOP_TWILIO_ACCOUNT_SID": shopTwilioAccountSid,
            "SWITCHBOARD_TENANT_SHOP_TWILIO_AUTH_TOKEN": shopTwilioAuthToken,
            "SWITCHBOARD_TENANT_SHOP_TWILIO_FROM": shopWhatsAppNumber,
            "SWITCHBOARD_TENANT_SHOP_TWILIO_PUBLIC_URL": shopTwilioPublicURL,
            "SWITCHBOARD_TENANT_SHOP_WHATSAPP_PROVIDER": "twilio",
            "SWITCHBOARD_WHATSAPP_API_BASE": vendor.baseURL,
            "SWITCHBOARD_MESSENGER_API_BASE": vendor.baseURL,
            "SWITCHBOARD_TELEGRAM_API_BASE": vendor.baseURL,
            "SWITCHBOARD_TWILIO_API_BASE": vendor.baseURL,
            "SWITCHBOARD_PROVIDER_RETRY_BASE_MS": "10",
            "SWITCHBOARD_PROVIDER_RETRY_MAX_MS": "200",
        ]
    }
}

/// The six daemons with every channel of tenant `demo` sending to one fake vendor server, and what the channel
/// tests read back: the vendor's requests, the stored messages, the pipeline's topics.
struct ChannelEndToEndHarness: Sendable {
    typealias Stored = MessageStore.StoredMessage

    /// A webhook delivered three times and the reply it got.
    struct Delivery: Sendable {
        /// The one send request the vendor received.
        var request: FakeVendorServer.RecordedRequest
        var inbound: Stored
        var reply: Stored
        /// The reply's text as stored.
        var text: String
    }

    let daemons: DaemonProcesses
    let vendor: FakeVendorServer
    let client: MongoClient
    let messages: MongoCollection<Stored>
    let logger = TestStack.logger("channel-end-to-end")

    /// Starts the daemons and waits until every one is ready.
    static func start(vendor: FakeVendorServer) async throws -> ChannelEndToEndHarness {
        let daemons = try DaemonProcesses(
            idleTimeoutSeconds: 1200, extra: DemoCredentials.environment(vendor: vendor), moreTenants: ["shop"])
        try await daemons.startAll()
        try await daemons.waitUntilReady()
        let client = try MongoClient(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database),
            logger: TestStack.logger("channel-end-to-end"))
        return ChannelEndToEndHarness(
            daemons: daemons, vendor: vendor, client: client, messages: client.collection("messages"))
    }

    /// Runs `body` with the daemons and a fake vendor server, and stops them whatever it does.
    static func run(_ body: @escaping @Sendable (ChannelEndToEndHarness) async throws -> Void) async throws {
        try await FakeVendorServer.with { vendor in
            let harness = try await start(vendor: vendor)
            do {
                try await body(harness)
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    func stop() async {
        await daemons.stopAll()
        try? await client.dropDatabase()
    }

    /// The stored messages of `tenant` on `channel` in `direction`.
    func stored(_ channel: Channel, _ direction: Direction, tenant: String = "demo") async throws -> [Stored] {
        try await messages.find([
            "tenant_id": .string(tenant), "channel": .string(channel.rawValue),
            "direction": .string(direction.rawValue),
        ])
    }

    /// Polls the stored outbound message `id` until `predicate` holds (at most 30 s).
    func waitForReply(
        _ id: String, _ what: String, where predicate: @escaping @Sendable (Stored) -> Bool
    )
        async throws -> Stored
    {
        try await withTimeout(.seconds(30), what) {
            while true {
                if let row = try await messages.findOne(["_id": .string(id)]), predicate(row) { return row }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Posts `webhook` as a vendor that retries does: twice at once, and a third time once the reply went out.
    /// Every post must answer 200. Returns the vendor's one send request and the stored messages.
    func deliverThreeTimes(
        _ webhook: SignedWebhook, channel: Channel, sendPath: String, tenant: String = "demo"
    ) async throws -> Delivery {
        for attempt in 1...2 {
            let response = try await webhook.post(to: daemons)
            #expect(response.status == 200, "\(channel) webhook attempt \(attempt): \(response.text)")
        }
        let requests = try await withTimeout(.seconds(60), "the \(channel) reply at \(sendPath)") {
            while true {
                let requests = vendor.requests(to: sendPath)
                if !requests.isEmpty { return requests }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let inbound = try #require(
            try await stored(channel, .inbound, tenant: tenant).first, "\(channel) inbound message stored")
        let pending = try #require(
            try await stored(channel, .outbound, tenant: tenant).first, "\(channel) reply stored")
        #expect(pending.reply_to == inbound._id)
        let reply = try await waitForReply(pending._id, "the \(channel) reply marked sent") { $0.status != "pending" }
        let third = try await webhook.post(to: daemons)
        #expect(third.status == 200, "\(channel) webhook redelivered after the reply: \(third.text)")
        guard case .text(let text) = reply.envelope.content else {
            Issue.record("\(channel) reply is not text: \(String(describing: reply.envelope.content))")
            return Delivery(request: requests[0], inbound: inbound, reply: reply, text: "")
        }
        return Delivery(request: requests[0], inbound: inbound, reply: reply, text: text)
    }

    /// Reads `topics` from the beginning until no record has arrived for `quiet` (at most 30 s): by then a
    /// redelivered webhook has gone through every stage and its reply through the outbound stage.
    func recordsOnceQuiet(_ topics: [String], quiet: Duration = .seconds(2)) async throws -> [KafkaRecord] {
        let reader = try KafkaPartitionReader(configuration: try TestStack.kafkaConfiguration(), logger: logger)
        try await reader.assign(topics: topics, from: .beginning)
        return try await withTimeout(.seconds(30), "\(topics) to fall quiet") {
            let clock = ContinuousClock()
            var records: [KafkaRecord] = []
            var lastArrival = clock.now
            while clock.now - lastArrival < quiet {
                let batch = try await reader.poll(wait: .milliseconds(250))
                if !batch.isEmpty { lastArrival = clock.now }
                records += batch
            }
            return records
        }
    }

    /// What the demo tenant's bot can say (`deploy/nlp/demo.yml` templates) and the hand-over notice, the
    /// answer when the bot is not confident.
    static func possibleReplies() throws -> [String] {
        let path = TestStack.repositoryRoot.appendingPathComponent("deploy/nlp/demo.yml")
        let training = try #require(try Yams.load(yaml: String(contentsOf: path, encoding: .utf8)) as? [String: Any])
        let responses = try #require(training["responses"] as? [String: [[String: Any]]])
        return responses.values.flatMap { $0.compactMap { $0["text"] as? String } } + [
            HandoverHandler.acknowledgementText
        ]
    }

    /// Whether `text` is one of `replies`, where a template's `{slot}` stands for any text.
    static func isOne(of replies: [String], _ text: String) -> Bool {
        replies.contains { template in
            let parts = template.split(separator: "{", omittingEmptySubsequences: false)
            guard parts.count > 1 else { return template == text }
            let fixed =
                [String(parts[0])]
                + parts.dropFirst().map { part in
                    part.split(separator: "}", maxSplits: 1, omittingEmptySubsequences: false).last.map(String.init)
                        ?? ""
                }
            var rest = Substring(text)
            for (index, piece) in fixed.enumerated() {
                if index == 0 {
                    guard rest.hasPrefix(piece) else { return false }
                    rest = rest.dropFirst(piece.count)
                } else if index == fixed.count - 1 {
                    guard rest.hasSuffix(piece), rest.count >= piece.count else { return false }
                } else {
                    guard let range = rest.range(of: piece) else { return false }
                    rest = rest[range.upperBound...]
                }
            }
            return true
        }
    }
}
