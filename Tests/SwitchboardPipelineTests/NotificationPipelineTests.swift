import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Hand-over notifications from the six daemons as real processes, to an in-test webhook receiver, SMTP
/// sink and fake Twilio.
@Suite("Hand-over notifications end to end", .serialized)
struct NotificationPipelineTests {
    let logger = TestStack.logger("notification-pipeline")
    static let secret = "whsec_pipeline_secret"
    static let sid = "AC00000000000000000000000000000001"
    var twilioPath: String { "/2010-04-01/Accounts/\(Self.sid)/Messages.json" }

    func daemons(vendor: FakeVendorServer, smtp: SMTPSink) throws -> DaemonProcesses {
        try DaemonProcesses(
            idleTimeoutSeconds: 600,
            extra: [
                "SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS": "6000",
                "SWITCHBOARD_TWILIO_API_BASE": vendor.baseURL,
                "SWITCHBOARD_NOTIFY_MAX_ATTEMPTS": "3",
                "SWITCHBOARD_NOTIFY_RETRY_BASE_MS": "20",
                "SWITCHBOARD_NOTIFY_RETRY_MAX_MS": "100",
                "SWITCHBOARD_TENANT_DEMO_NOTIFY_WEBHOOK_SECRET": Self.secret,
                "SWITCHBOARD_TENANT_DEMO_TWILIO_ACCOUNT_SID": Self.sid,
                "SWITCHBOARD_TENANT_DEMO_TWILIO_AUTH_TOKEN": "pipeline-token",
                "SWITCHBOARD_TENANT_DEMO_TWILIO_FROM": "+15005550006",
            ],
            demoSettings: """
                    notifications:
                      desk_url: http://desk.test/desk
                      targets:
                        - type: webhook
                          url: \(vendor.baseURL)/hook
                        - type: email
                          host: 127.0.0.1
                          port: \(smtp.port)
                          tls: none
                          from: desk@example.com
                          to: [leads@example.com]
                        - type: sms
                          to: ["+4915112345678"]

                """)
    }

    @Test(
        "a web chat hand-over: a signed webhook, an email and an SMS; a failing receiver: retries, a dead letter, and the hand-over goes on"
    )
    func notifiesAndDeadLetters() async throws {
        try await FakeVendorServer.with { vendor in
            try await SMTPSink.with { smtp in
                vendor.script("/hook", [.json(200, "{}")])
                vendor.script(twilioPath, [.json(201, #"{"sid":"SM1"}"#)])
                let daemons = try daemons(vendor: vendor, smtp: smtp)
                try await daemons.startAll()
                defer { daemons.signalAll() }
                try await daemons.waitUntilReady()

                // 1. A customer asks for a person: every target hears of it once.
                let alice = WebChatClient(daemons: daemons, user: "alice")
                let asked = try await alice.send("I want to talk to a human")
                #expect(asked.status == 200 || asked.status == 202)
                let hooks = try await withTimeout(.seconds(60), "the webhook") {
                    await vendor.waitForRequests(to: "/hook", count: 1)
                }
                let hook = try #require(hooks.first)
                let timestamp = try #require(hook.header("X-Switchboard-Timestamp").flatMap { Int($0) })
                #expect(
                    WebhookSignature.verify(
                        signature: hook.header("X-Switchboard-Signature") ?? "", body: hook.body, timestamp: timestamp,
                        secret: Self.secret))
                #expect(hook.header("X-Switchboard-Event") == "handover_started")
                #expect(hook.header("X-Switchboard-Delivery")?.isEmpty == false)
                let json = try hook.json()
                let handoverId = try #require(json["handover_id"] as? String)
                #expect(json["tenant_id"] as? String == "demo")
                #expect(json["channel"] as? String == "webchat")
                #expect(json["conversation_id"] as? String != nil)
                #expect(json["desk_url"] as? String == "http://desk.test/desk")
                #expect(!hook.bodyText.contains("talk to a human"), "no message text in the notification")

                let mails = try await withTimeout(.seconds(60), "the email") { await smtp.waitForMessages(1) }
                #expect(mails.first?.recipients == ["leads@example.com"])
                #expect(mails.first?.header("X-Switchboard-Handover") == handoverId)
                let texts = try await withTimeout(.seconds(60), "the SMS") {
                    await vendor.waitForRequests(to: twilioPath, count: 1)
                }
                #expect(TwilioForm(body: texts[0].body)["To"] == "+4915112345678")

                // 2. The receiver now fails: retried, then dead-lettered, while the hand-over itself goes on.
                vendor.script("/hook", [.json(500, #"{"error":"down"}"#)])
                let bob = WebChatClient(daemons: daemons, user: "bob")
                let bobAsked = try await bob.send("I want to talk to a human")
                #expect(bobAsked.status == 200 || bobAsked.status == 202)
                let attempts = try await withTimeout(.seconds(60), "three webhook attempts") {
                    await vendor.waitForRequests(to: "/hook", count: 4)
                }
                #expect(Set(attempts.dropFirst().compactMap { $0.header("X-Switchboard-Delivery") }).count == 1)
                let letter = try await deadLetter(topic: "\(daemons.prefix).deadletter")
                #expect(letter.originalTopic == "notification:webhook")
                #expect(letter.reason.contains("answered 500"))
                #expect(!letter.reason.contains(Self.secret))
                let notification = try SwitchboardJSON.makeDecoder().decode(
                    HandoverNotification.self, from: Data(letter.originalBytes))
                #expect(notification.handoverId != handoverId)

                // Bob's hand-over is in the queue, and the email and SMS about it went out all the same.
                let waiting = try await alice.agent("GET", "/handovers?status=waiting")
                let ids = (waiting.json["handovers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(ids.contains(notification.handoverId) && ids.contains(handoverId))
                _ = try await withTimeout(.seconds(60), "the second email") { await smtp.waitForMessages(2) }
                _ = try await withTimeout(.seconds(60), "the second SMS") {
                    await vendor.waitForRequests(to: twilioPath, count: 2)
                }
                let reply = try await bob.waitForMessage(in: bobAsked.conversationId) {
                    $0["direction"] as? String == "outbound" && $0["sender"] as? String == "system"
                }
                #expect(reply["sender"] as? String == "system")
                await daemons.stopAll()
            }
        }
    }

    /// The first notification dead letter on `topic`.
    func deadLetter(topic: String) async throws -> DeadLetter {
        let reader = try KafkaPartitionReader(configuration: try TestStack.kafkaConfiguration(), logger: logger)
        _ = try await reader.assign(topics: [topic], from: .beginning)
        return try await withTimeout(.seconds(60), "a notification dead letter") {
            while true {
                for record in try await reader.poll(wait: .milliseconds(250)) {
                    if let letter = try? SwitchboardJSON.makeDecoder().decode(
                        DeadLetter.self, from: Data(record.value)),
                        letter.stage == "human-handover-notify"
                    {
                        return letter
                    }
                }
            }
        }
    }
}
