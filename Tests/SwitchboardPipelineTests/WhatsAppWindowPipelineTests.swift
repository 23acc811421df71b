import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The WhatsApp customer-service window through the six daemons: the customer writes (a signed Cloud API
/// webhook), the bot's answer goes out as text; a day later (the profile's recorded last message moved back 25
/// hours, as time would) a reply goes out as the tenant's approved template.
@Suite("WhatsApp window end to end", .serialized)
struct WhatsAppWindowPipelineTests {
    typealias Harness = ChannelEndToEndHarness

    struct ProfileRow: Codable, Sendable {
        var _id: String
        var last_inbound: [String: Date]?
    }

    static let templateSettings = """
            whatsapp:
              templates:
                reengage:
                  name: conversation_update
                  language: en_US
                  parameters: ["{reply}"]

        """

    @Test func aReplyOutsideTheWindowGoesOutAsTheTenantsTemplate() async throws {
        try await FakeVendorServer.with { vendor in
            let daemons = try DaemonProcesses(
                idleTimeoutSeconds: 1200, extra: DemoCredentials.environment(vendor: vendor),
                tenantSettings: ["demo": Self.templateSettings])
            try await daemons.startAll()
            let client = try MongoClient(
                configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database),
                logger: TestStack.logger("whatsapp-window"))
            let harness = Harness(
                daemons: daemons, vendor: vendor, client: client, messages: client.collection("messages"))
            do {
                try await daemons.waitUntilReady()
                try await Self.run(harness)
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    static func run(_ harness: Harness) async throws {
        let path = "/v21.0/\(DemoCredentials.whatsAppPhoneNumberId)/messages"
        harness.vendor.script(path, [.json(200, #"{"messaging_product":"whatsapp","messages":[{"id":"wamid.W1"}]}"#)])

        // The customer writes: the bot answers inside the window, as text.
        let delivery = try await harness.deliverThreeTimes(
            .meta(
                channel: "whatsapp", tenant: "demo", body: try ChannelFixture.bytes("whatsapp/text.json"),
                appSecret: DemoCredentials.whatsAppAppSecret), channel: .whatsapp, sendPath: path)
        #expect(try delivery.request.json()["type"] as? String == "text")
        #expect(delivery.inbound.envelope.provider == "meta")
        let customerId = try #require(delivery.inbound.customer_id)

        // customer-identification recorded when the customer wrote.
        let profiles: MongoCollection<ProfileRow> = harness.client.collection("profiles")
        let recorded = try #require(try await profiles.findOne(["_id": .string(customerId)])?.last_inbound?["whatsapp"])
        #expect(abs(recorded.timeIntervalSince(delivery.inbound.envelope.receivedAt)) < 1)

        // A day and an hour pass without a word from the customer.
        _ = try await profiles.updateOne(
            filter: ["_id": .string(customerId)],
            update: ["$set": ["last_inbound.whatsapp": .date(recorded.addingTimeInterval(-25 * 3600))]])

        // Then a reply comes (an agent's answer after a day's research).
        let late = delivery.inbound.envelope.reply(
            content: .text("We found your parcel.\nIt ships today."), sender: .agent(id: "a-1"), stage: "late-answer",
            at: Date())
        #expect(late.provider == "meta")
        let topics = TopicNames(prefix: harness.daemons.prefix + ".")
        let producer = try KafkaProducer(configuration: try TestStack.kafkaConfiguration(), logger: harness.logger)
        _ = try await producer.send(try StageOutput.envelope(late, to: topics.outbound).record())
        await producer.shutdown()

        try await waitUntil("the template at \(path)") { harness.vendor.requests(to: path).count >= 2 }
        let requests = harness.vendor.requests(to: path)
        let body = try requests[1].json()
        #expect(requests[1].header("Authorization") == "Bearer \(DemoCredentials.whatsAppAccessToken)")
        #expect(body["type"] as? String == "template")
        #expect(body["text"] == nil)
        let template = try #require(body["template"] as? [String: Any])
        #expect(template["name"] as? String == "conversation_update")
        #expect(ChannelFixture.value(template, "language", "code") as? String == "en_US")
        #expect(
            ChannelFixture.value(template, "components", 0, "parameters", 0, "text") as? String
                == "We found your parcel. It ships today.")
        let stored = try await harness.waitForReply(late.id.uuidString.lowercased(), "the late reply marked sent") {
            $0.status != "pending"
        }
        #expect(stored.status == "sent")
        #expect(harness.vendor.requests(to: path).count == 2, "one request per reply")
    }
}
