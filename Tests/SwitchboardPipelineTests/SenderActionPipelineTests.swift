import Foundation
import SwitchboardCore
import SwitchboardMongo
import SwitchboardTestSupport
import Testing

/// Read receipts and typing indicators through the six daemons, on Messenger with the fake Send API: the bot's
/// answer is preceded by `mark_seen`; an agent who claims a hand-over marks the customer's message seen, and the
/// typing route reaches the customer as `typing_on`.
@Suite("Sender actions end to end", .serialized)
struct SenderActionPipelineTests {
    typealias Harness = ChannelEndToEndHarness
    static let path = "/v21.0/me/messages"

    /// What the Send API was asked, in order: the sender action, or `message`.
    static func asked(_ vendor: FakeVendorServer) -> [String] {
        vendor.requests(to: path).map { request in
            let body = (try? request.json()) ?? [:]
            return body["sender_action"] as? String ?? (body["message"] != nil ? "message" : "?")
        }
    }

    static func webhook(text: String, mid: String) throws -> SignedWebhook {
        let body = try ChannelFixture.edited(try ChannelFixture.json("messenger/text_message.json")) { json in
            var entry = (json["entry"] as? [[String: Any]])?.first ?? [:]
            var event = (entry["messaging"] as? [[String: Any]])?.first ?? [:]
            event["message"] = ["text": text, "mid": mid]
            entry["messaging"] = [event]
            json["entry"] = [entry]
        }
        return .meta(
            channel: "messenger", tenant: "demo", body: Array(body.utf8), appSecret: DemoCredentials.messengerAppSecret)
    }

    @Test func theBotsAnswerIsReadFirstAndAnAgentsTypingReachesTheCustomer() async throws {
        try await FakeVendorServer.with { vendor in
            vendor.script(Self.path, [.json(200, #"{"recipient_id":"5678","message_id":"m_OUT"}"#)])
            let daemons = try DaemonProcesses(
                idleTimeoutSeconds: 1200, extra: DemoCredentials.environment(vendor: vendor),
                tenantSettings: ["demo": "    receipts: { read: true, typing: true }\n"])
            try await daemons.startAll()
            let client = try MongoClient(
                configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database),
                logger: TestStack.logger("sender-actions"))
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
        let vendor = harness.vendor
        // The bot answers a greeting: seen first, then the reply (the built-in engine is fast: no typing).
        let hello = try await webhook(text: "hello", mid: "m_hello").post(to: harness.daemons)
        #expect(hello.status == 200, "\(hello.text)")
        try await waitUntil("the bot's reply at the Send API", timeout: .seconds(60)) {
            asked(vendor).contains("message")
        }
        #expect(asked(vendor) == ["mark_seen", "message"])
        let stored = try await harness.stored(.messenger, .outbound)
        #expect(stored.count == 1, "the receipt is not stored")

        // The customer asks for a person; an agent claims it: their message is marked seen.
        let human = try await webhook(text: "I want to talk to a human", mid: "m_human").post(to: harness.daemons)
        #expect(human.status == 200, "\(human.text)")
        let agent = WebChatClient(daemons: harness.daemons, user: "unused")
        let handoverId = try await withTimeout(.seconds(60), "the hand-over waiting") {
            while true {
                let waiting = try await agent.agent("GET", "/handovers?status=waiting")
                if let id = (waiting.json["handovers"] as? [[String: Any]])?.first?["id"] as? String { return id }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let before = asked(vendor).count
        #expect(try await agent.agent("POST", "/handovers/\(handoverId)/claim", ["agent_id": "ann"]).status == 200)
        try await waitUntil("the claim's read receipt", timeout: .seconds(30)) {
            asked(vendor).dropFirst(before).contains("mark_seen")
        }
        let typing = try await agent.agent("POST", "/handovers/\(handoverId)/typing", ["agent_id": "ann"])
        #expect(typing.status == 202)
        #expect(typing.json["sent"] as? Bool == true)
        // At once again: within 5 s, so not produced.
        let again = try await agent.agent("POST", "/handovers/\(handoverId)/typing", ["agent_id": "ann"])
        #expect(again.json["sent"] as? Bool == false)
        try await waitUntil("the agent's typing indicator", timeout: .seconds(30)) {
            asked(vendor).dropFirst(before).contains("typing_on")
        }
    }
}
