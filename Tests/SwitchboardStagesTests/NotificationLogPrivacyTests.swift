import Foundation
import Prometheus
import SwitchboardCore
import SwitchboardObservability
import SwitchboardRuntime
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStages

extension NotificationDeliveryTests {
    @Test("refusals quoting the e-mail address or number of a target are logged and dead-lettered without it")
    func refusalsKeepAddressesOutOfLogs() async throws {
        typealias Probe = PersonalDataProbe
        try await FakeVendorServer.with { vendor in
            try await SMTPSink.with { smtp in
                let twilioPath = "/2010-04-01/Accounts/\(Self.twilioSid)/Messages.json"
                vendor.script(
                    twilioPath,
                    [.json(400, #"{"code":21211,"message":"The 'To' number \#(Probe.phone) is not valid."}"#)])
                smtp.failMailFrom(with: 550)
                let tenants = try TenantDirectory(tenants: [
                    TenantConfiguration(
                        id: "demo",
                        notifications: TenantNotificationSettings(
                            deskURL: "https://desk.example.com/desk",
                            targets: [
                                NotificationTarget(
                                    .email(
                                        EmailTarget(
                                            host: "127.0.0.1", port: smtp.port, tls: .none, from: Probe.email,
                                            to: [Probe.email]))),
                                NotificationTarget(.sms(SMSTarget(to: [Probe.phone]))),
                            ]))
                ])
                let records = LogRecords()
                let store = InMemoryNotifications()
                let sink = RecordingSink()
                let notifier = HandoverNotifier(
                    store: store, tenants: tenants, secrets: secrets(), sink: sink, topics: TopicNames(prefix: "t."),
                    settings: NotificationSettings(
                        maxAttempts: 1, timeout: .seconds(120), redriveInterval: .seconds(3600),
                        twilioAPIBase: vendor.baseURL),
                    logger: records.logger(label: "human-handover"),
                    metrics: NotificationMetrics(factory: MetricsBootstrap.makeFactory(registry: registry)),
                    retry: RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)))
                let record = handover()
                try await running(notifier) {
                    try await notifier.record(
                        .handoverStarted, handover: record, channel: "whatsapp", at: record.createdAt)
                    let id = try #require(store.entries.keys.first)
                    _ = try await withTimeout(.seconds(30), "the notification") { await store.waitUntilDone(id) }
                }
                let letters = sink.deadLetters
                #expect(letters.count == 2)
                let email = try #require(letters.first { $0.originalTopic == "notification:email" })
                #expect(email.reason.contains("550"), "\(email.reason)")
                #expect(smtp.commands.contains { $0.contains(Probe.email) }, "the sink was asked for the address")
                for letter in letters {
                    #expect(!Probe.needles.contains { letter.reason.contains($0) }, "\(letter.reason)")
                }
                #expect(records.atOrAbove(.warning).count >= 2, "each refusal is logged")
                #expect(Probe.leaks(in: records).isEmpty, "\(Probe.leaks(in: records))")
            }
        }
    }
}
