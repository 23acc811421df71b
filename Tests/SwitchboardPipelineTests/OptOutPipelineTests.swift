import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// STOP and START through the six daemons: a Twilio SMS customer opts out (the confirmation is the last
/// message sent, the bot's answers are kept but not sent), opts back in, and another customer is opted out by
/// Twilio's own error 21610. The profile flag and the events record each change.
@Suite("Opt-out end to end", .serialized)
struct OptOutPipelineTests {
    typealias Harness = ChannelEndToEndHarness

    struct ProfileRow: Codable, Sendable {
        var _id: String
        var opted_out: [String]?
    }

    static let path = "/2010-04-01/Accounts/\(DemoCredentials.twilioAccountSid)/Messages.json"
    static let alice = "+15550100001"
    static let bob = "+15550100002"

    @Test func stopSuppressesEverythingButTheConfirmationAndStartResubscribes() async throws {
        try await Harness.run { try await Self.run($0) }
    }

    /// An SMS from `from`, signed as Twilio signs it.
    static func sms(_ sid: String, from: String, _ text: String) -> SignedWebhook {
        let body = TwilioForm.encode([
            ("MessageSid", sid), ("From", from), ("To", DemoCredentials.twilioFrom), ("Body", text),
        ])
        return SignedWebhook.twilio(
            tenant: "demo", body: body, authToken: DemoCredentials.twilioAuthToken,
            publicURL: DemoCredentials.twilioPublicURL)
    }

    /// The texts Twilio was asked to send to `number`, in order.
    static func sent(_ vendor: FakeVendorServer, to number: String) -> [String] {
        vendor.requests(to: path).map { TwilioForm(body: $0.body) }.filter { $0["To"] == number }.compactMap {
            $0["Body"]
        }
    }

    static func post(_ webhook: SignedWebhook, _ harness: Harness, times: Int = 1) async throws {
        for attempt in 1...times {
            let response = try await webhook.post(to: harness.daemons)
            #expect(response.status == 200, "attempt \(attempt): \(response.text)")
        }
    }

    /// Waits until every outbound message answering `inboundSid` is past `pending`; returns them.
    static func settledReplies(
        to inboundSid: String, _ harness: Harness, atLeast count: Int = 1
    ) async throws -> [Harness.Stored] {
        try await withTimeout(.seconds(60), "the replies to \(inboundSid)") {
            while true {
                let inbound = try await harness.messages.findOne(["envelope.channel_message_id": .string(inboundSid)])
                if let inbound {
                    let replies = try await harness.messages.find(["reply_to": .string(inbound._id)])
                    if replies.count >= count, replies.allSatisfy({ $0.status != "pending" }) { return replies }
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    static func optedOut(_ harness: Harness, customer: String) async throws -> [String] {
        let profiles: MongoCollection<ProfileRow> = harness.client.collection("profiles")
        return try await profiles.findOne(["_id": .string(customer)])?.opted_out ?? []
    }

    /// Reads the events topic until `count` events of `type` for `customer` arrived.
    static func events(
        _ type: SwitchboardEvent.EventType, customer: String, count: Int, _ harness: Harness
    ) async throws -> [SwitchboardEvent] {
        let topics = TopicNames(prefix: harness.daemons.prefix + ".")
        let reader = try KafkaPartitionReader(configuration: try TestStack.kafkaConfiguration(), logger: harness.logger)
        try await reader.assign(topics: [topics.events], from: .beginning)
        return try await withTimeout(.seconds(30), "\(count) \(type) events") {
            var found: [SwitchboardEvent] = []
            while found.count < count {
                for record in try await reader.poll(wait: .milliseconds(250)) {
                    guard
                        let event = try? SwitchboardJSON.makeDecoder().decode(
                            SwitchboardEvent.self, from: Data(record.value))
                    else { continue }
                    if event.type == type, event.customerId == customer { found.append(event) }
                }
            }
            return found
        }
    }

    static func run(_ harness: Harness) async throws {
        let vendor = harness.vendor
        vendor.script(Self.path, [.json(201, #"{"sid":"SMout","status":"queued"}"#)])
        let keywords = ConsentKeywords()
        let stopConfirmation = keywords.confirmation(for: .init(request: .optOut, language: "en"))
        let startConfirmation = keywords.confirmation(for: .init(request: .optIn, language: "en"))

        // Alice says STOP (delivered twice, as vendors retry): the confirmation goes out once.
        try await post(sms("SMstop1", from: alice, "Stop"), harness, times: 2)
        _ = try await withTimeout(.seconds(60), "the opt-out confirmation") {
            await vendor.waitForRequests(to: path, count: 1)
        }
        let stopReplies = try await settledReplies(to: "SMstop1", harness)
        let confirmation = try #require(stopReplies.first { ConsentChange.isConfirmation($0.envelope) })
        #expect(confirmation.status == "sent")
        #expect(confirmation.envelope.content == .text(stopConfirmation))
        let customer = try #require(confirmation.customer_id)
        #expect(try await optedOut(harness, customer: customer) == ["sms"])
        let optedOutEvent = try #require(
            try await events(.customerOptedOut, customer: customer, count: 1, harness).first)
        #expect(optedOutEvent.details["channel"] == "sms")
        #expect(optedOutEvent.details["source"] == "keyword")

        // Anything else Alice writes is answered and stored, but nothing is sent.
        try await post(sms("SMhello1", from: alice, "hello"), harness)
        let helloReplies = try await settledReplies(to: "SMhello1", harness)
        #expect(helloReplies.allSatisfy { $0.status == "suppressed" }, "\(helloReplies.map(\.status))")
        #expect(sent(vendor, to: alice) == [stopConfirmation])

        // START resubscribes: its confirmation goes out, and then the bot's answers again.
        try await post(sms("SMstart1", from: alice, "START"), harness, times: 2)
        let startReplies = try await settledReplies(to: "SMstart1", harness)
        #expect(startReplies.map(\.status) == ["sent"])
        #expect(try await optedOut(harness, customer: customer) == [])
        let optedInEvent = try #require(try await events(.customerOptedIn, customer: customer, count: 1, harness).first)
        #expect(optedInEvent.details["channel"] == "sms")
        try await post(sms("SMhello2", from: alice, "hello"), harness)
        let answered = try await settledReplies(to: "SMhello2", harness)
        #expect(answered.allSatisfy { $0.status == "sent" }, "\(answered.map(\.status))")
        let toAlice = sent(vendor, to: alice)
        #expect(toAlice.filter { $0 == stopConfirmation }.count == 1)
        #expect(toAlice.filter { $0 == startConfirmation }.count == 1)
        #expect(toAlice.count >= 3)

        // Bob opted out at Twilio itself: the next send gets error 21610, which marks him opted out here.
        vendor.script(
            Self.path,
            [
                .json(400, #"{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}"#),
                .json(201, #"{"sid":"SMout2","status":"queued"}"#),
            ])
        try await post(sms("SMbob1", from: bob, "hello"), harness)
        let bobReplies = try await settledReplies(to: "SMbob1", harness)
        #expect(bobReplies.first?.status == "failed")
        let bobCustomer = try #require(bobReplies.first?.customer_id)
        let vendorEvent = try #require(
            try await events(.customerOptedOut, customer: bobCustomer, count: 1, harness).first)
        #expect(vendorEvent.details["source"] == "vendor_error")
        #expect(vendorEvent.details["code"] == "21610")
        #expect(try await optedOut(harness, customer: bobCustomer) == ["sms"])
        try await post(sms("SMbob2", from: bob, "hello?"), harness)
        let bobLater = try await settledReplies(to: "SMbob2", harness)
        #expect(bobLater.allSatisfy { $0.status == "suppressed" }, "\(bobLater.map(\.status))")
        #expect(sent(vendor, to: bob).count == 1)
    }
}
