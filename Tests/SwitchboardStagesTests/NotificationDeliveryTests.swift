import Foundation
import Logging
import Prometheus
import SwitchboardCore
import SwitchboardObservability
import SwitchboardRuntime
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStages

/// The notifier against real sockets: an in-test SMTP sink, a fake webhook receiver and a fake Twilio.
@Suite("hand-over notifications to an in-test webhook receiver, SMTP sink and Twilio")
struct NotificationDeliveryTests {
    static let webhookSecret = "whsec_delivery_test"
    static let twilioSid = "AC0123456789abcdef0123456789abcdef"
    let registry = PrometheusCollectorRegistry()
    let logger = Logger(label: "notification-tests")

    func tenants(webhook: String, smtpPort: Int) throws -> TenantDirectory {
        try TenantDirectory(tenants: [
            TenantConfiguration(
                id: "demo",
                notifications: TenantNotificationSettings(
                    deskURL: "https://desk.example.com/desk",
                    targets: [
                        NotificationTarget(.webhook(WebhookTarget(url: webhook))),
                        NotificationTarget(
                            .email(
                                EmailTarget(
                                    host: "127.0.0.1", port: smtpPort, tls: .none, from: "desk@example.com",
                                    to: ["leads@example.com", "night@example.com"]))),
                        NotificationTarget(.sms(SMSTarget(to: ["+4915112345678"])), events: [.handoverStarted]),
                    ]))
        ])
    }

    /// The keys of the demo tenant's targets, in file order.
    func keys(_ directory: TenantDirectory) -> [String] {
        directory.tenant(id: "demo")?.notifications.targets.map(\.key) ?? []
    }

    func secrets() -> TenantSecrets {
        TenantSecrets(
            tenantIds: ["demo"],
            environment: [
                "SWITCHBOARD_TENANT_DEMO_NOTIFY_WEBHOOK_SECRET": Self.webhookSecret,
                "SWITCHBOARD_TENANT_DEMO_SMTP_USERNAME": "desk-bot",
                "SWITCHBOARD_TENANT_DEMO_SMTP_PASSWORD": "smtp pass",
                "SWITCHBOARD_TENANT_DEMO_TWILIO_ACCOUNT_SID": Self.twilioSid,
                "SWITCHBOARD_TENANT_DEMO_TWILIO_AUTH_TOKEN": "twilio-token",
                "SWITCHBOARD_TENANT_DEMO_TWILIO_FROM": "+15005550006",
            ])
    }

    func notifier(
        store: InMemoryNotifications, sink: RecordingSink, tenants: TenantDirectory, twilio: String, attempts: Int = 3
    ) -> HandoverNotifier {
        HandoverNotifier(
            store: store, tenants: tenants, secrets: secrets(), sink: sink, topics: TopicNames(prefix: "t."),
            settings: NotificationSettings(
                maxAttempts: attempts, timeout: .seconds(120), redriveInterval: .seconds(3600), twilioAPIBase: twilio),
            logger: logger, metrics: NotificationMetrics(factory: MetricsBootstrap.makeFactory(registry: registry)),
            retry: RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)))
    }

    func handover() -> HandoverRecord {
        HandoverRecord(
            id: UUID().uuidString.lowercased(), tenantId: "demo", sessionId: "session-1", customerId: "customer-1",
            reason: .customerAskedForHuman, createdAt: Date(timeIntervalSince1970: 1_767_225_600))
    }

    func metric(_ series: String) -> String? {
        registry.emitToString().split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .map { String($0.split(separator: " ").last ?? "") }
    }

    /// Runs the notifier's service around `body`.
    func running<R: Sendable>(_ notifier: HandoverNotifier, _ body: @Sendable () async throws -> R) async throws -> R {
        try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                try await notifier.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    @Test("a started hand-over: a signed webhook, one email and one SMS, once however often it is recorded")
    func startedOnce() async throws {
        try await FakeVendorServer.with { vendor in
            try await SMTPSink.with { smtp in
                let twilioPath = "/2010-04-01/Accounts/\(Self.twilioSid)/Messages.json"
                vendor.script("/hook", [.json(200, "{}")])
                vendor.script(twilioPath, [.json(201, #"{"sid":"SM1"}"#)])
                let store = InMemoryNotifications()
                let sink = RecordingSink()
                let tenants = try tenants(webhook: vendor.baseURL + "/hook", smtpPort: smtp.port)
                let notifier = notifier(store: store, sink: sink, tenants: tenants, twilio: vendor.baseURL)
                let record = handover()
                let entry = try await running(notifier) {
                    for _ in 0..<3 {
                        try await notifier.record(
                            .handoverStarted, handover: record, channel: "web_chat", at: record.createdAt)
                    }
                    let id = try #require(store.entries.keys.first)
                    return try await withTimeout(.seconds(30), "the notification") { await store.waitUntilDone(id) }
                }
                #expect(store.entries.count == 1)
                #expect(entry.finishedTargets == Set(keys(tenants)))

                let hooks = vendor.requests(to: "/hook")
                let hook = try #require(hooks.first)
                #expect(hooks.count == 1)
                let timestamp = try #require(hook.header("X-Switchboard-Timestamp").flatMap { Int($0) })
                let signature = try #require(hook.header("X-Switchboard-Signature"))
                #expect(
                    WebhookSignature.verify(
                        signature: signature, body: hook.body, timestamp: timestamp, secret: Self.webhookSecret))
                #expect(
                    hook.header("X-Switchboard-Delivery") == entry.notification.deliveryId(target: keys(tenants)[0]))
                #expect(hook.header("X-Switchboard-Event") == "handover_started")
                let json = try hook.json()
                #expect(json["handover_id"] as? String == record.id)
                #expect(json["tenant_id"] as? String == "demo")
                #expect(json["conversation_id"] as? String == "session-1")
                #expect(json["customer_id"] as? String == "customer-1")
                #expect(json["channel"] as? String == "web_chat")
                #expect(json["reason"] as? String == "customer_asked_for_human")
                #expect(json["wait_seconds"] as? Int == 0)
                #expect(json["desk_url"] as? String == "https://desk.example.com/desk")

                let texts = vendor.requests(to: "/2010-04-01/Accounts/\(Self.twilioSid)/Messages.json")
                #expect(texts.count == 1)
                let form = TwilioForm(body: try #require(texts.first).body)
                #expect(form["To"] == "+4915112345678" && form["From"] == "+15005550006")
                #expect(form["Body"]?.hasPrefix("Switchboard: Customer waiting for an agent (demo, web_chat") == true)
                let basic = "Basic " + Data("\(Self.twilioSid):twilio-token".utf8).base64EncodedString()
                #expect(texts.first?.header("Authorization") == basic)

                let mails = smtp.mails
                let mail = try #require(mails.first)
                #expect(mails.count == 1)
                #expect(mail.from == "desk@example.com")
                #expect(mail.recipients == ["leads@example.com", "night@example.com"])
                #expect(mail.username == "desk-bot" && mail.password == "smtp pass")
                #expect(mail.header("Subject")?.hasPrefix("[Switchboard] Customer waiting for an agent") == true)
                #expect(
                    mail.header("Message-ID")
                        == "<\(entry.notification.deliveryId(target: keys(tenants)[1]))@switchboard.invalid>")
                #expect(mail.body.contains("Hand-over:    \(record.id)"))
                #expect(mail.body.contains("Open the desk: https://desk.example.com/desk"))
                #expect(metric(#"switchboard_notifications_total{kind="webhook",outcome="sent"}"#) == "1")
                #expect(metric(#"switchboard_notifications_total{kind="email",outcome="sent"}"#) == "1")
                #expect(metric(#"switchboard_notifications_total{kind="sms",outcome="sent"}"#) == "1")
                #expect(sink.deadLetters.isEmpty)
            }
        }
    }

    @Test("a receiver that answers 500: retried, then a dead letter; the other targets still get theirs")
    func deadLetter() async throws {
        try await FakeVendorServer.with { vendor in
            try await SMTPSink.with { smtp in
                vendor.script("/hook", [.json(500, #"{"error":"down"}"#)])
                vendor.script("/2010-04-01/Accounts/\(Self.twilioSid)/Messages.json", [.json(201, "{}")])
                smtp.failMailFrom(with: 451)
                let store = InMemoryNotifications()
                let sink = RecordingSink()
                let tenants = try tenants(webhook: vendor.baseURL + "/hook", smtpPort: smtp.port)
                let notifier = notifier(
                    store: store, sink: sink, tenants: tenants, twilio: vendor.baseURL, attempts: 3)
                let record = handover()
                let entry = try await running(notifier) {
                    try await notifier.record(
                        .handoverStarted, handover: record, channel: "web_chat", at: record.createdAt)
                    let id = try #require(store.entries.keys.first)
                    return try await withTimeout(.seconds(30), "the notification") { await store.waitUntilDone(id) }
                }
                #expect(vendor.requests(to: "/hook").count == 3, "every attempt made")
                #expect(Set(vendor.requests(to: "/hook").compactMap { $0.header("X-Switchboard-Delivery") }).count == 1)
                #expect(smtp.commands.filter { $0.hasPrefix("MAIL FROM") }.count == 3, "451 is retried")
                #expect(smtp.mails.isEmpty)
                let letters = sink.deadLetters
                #expect(letters.count == 2)
                let webhookLetter = try #require(letters.first { $0.originalTopic == "notification:webhook" })
                #expect(webhookLetter.stage == HandoverNotifier.stage)
                #expect(webhookLetter.reason.hasPrefix("webhook to 127.0.0.1 answered 500"))
                #expect(!webhookLetter.reason.contains(Self.webhookSecret))
                let original = try SwitchboardJSON.makeDecoder().decode(
                    HandoverNotification.self, from: Data(webhookLetter.originalBytes))
                #expect(original.handoverId == record.id)
                let emailLetter = try #require(letters.first { $0.originalTopic == "notification:email" })
                #expect(emailLetter.reason.contains("451"))
                #expect(!emailLetter.reason.contains("smtp pass"))
                #expect(entry.finishedTargets == Set(keys(tenants)))
                #expect(vendor.requests(to: "/2010-04-01/Accounts/\(Self.twilioSid)/Messages.json").count == 1)
                #expect(metric(#"switchboard_notifications_total{kind="webhook",outcome="dead_lettered"}"#) == "1")
                #expect(metric(#"switchboard_notification_attempts_total{kind="webhook",result="retriable"}"#) == "3")
            }
        }
    }

    @Test("a notification left pending (a crash mid-delivery) is re-driven to the targets still owed")
    func redrive() async throws {
        try await FakeVendorServer.with { vendor in
            try await SMTPSink.with { smtp in
                vendor.script("/hook", [.json(200, "{}")])
                let tenants = try tenants(webhook: vendor.baseURL + "/hook", smtpPort: smtp.port)
                let store = InMemoryNotifications()
                let record = handover()
                let notification = HandoverNotification(
                    event: .handoverEscalated, handover: record, channel: "web_chat",
                    occurredAt: record.createdAt.addingTimeInterval(300), deskURL: nil)
                // A worker that crashed after the webhook took it: its claim has run out.
                _ = try await store.insertIfNew(notification, claimedUntil: Date(timeIntervalSince1970: 0))
                try await store.finishTarget(id: notification.id, target: keys(tenants)[0])
                let notifier = notifier(store: store, sink: RecordingSink(), tenants: tenants, twilio: vendor.baseURL)
                let entry = try await running(notifier) {
                    try await withTimeout(.seconds(30), "the re-driven notification") {
                        await store.waitUntilDone(notification.id)
                    }
                }
                #expect(entry.finishedTargets == Set(keys(tenants).prefix(2)))
                #expect(vendor.requests(to: "/hook").isEmpty, "the webhook had it already")
                #expect(smtp.mails.count == 1)
                #expect(smtp.mails.first?.header("X-Switchboard-Event") == "handover_escalated")
                #expect(smtp.mails.first?.body.contains("Waiting:      5 min") == true)
            }
        }
    }

    @Test("start-up refuses targets whose secrets are missing, naming the variable, not a value")
    func missingSecrets() throws {
        let tenants = try tenants(webhook: "https://hooks.example.com/x", smtpPort: 25)
        #expect(throws: Never.self) { try HandoverNotifier.checkSecrets(tenants: tenants, secrets: secrets()) }
        do {
            try HandoverNotifier.checkSecrets(
                tenants: tenants, secrets: TenantSecrets(tenantIds: ["demo"], environment: [:]))
            Issue.record("expected a refusal")
        } catch {
            #expect(error.reason.contains("SWITCHBOARD_TENANT_DEMO_NOTIFY_WEBHOOK_SECRET"))
        }
    }
}

extension RecordingSink {
    /// The dead letters produced, decoded.
    var deadLetters: [DeadLetter] {
        recorded.filter { $0.topic.hasSuffix("deadletter") }.compactMap {
            try? SwitchboardJSON.makeDecoder().decode(DeadLetter.self, from: Data($0.value))
        }
    }
}
