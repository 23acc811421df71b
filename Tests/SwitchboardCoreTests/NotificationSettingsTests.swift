import Foundation
import SwitchboardCore
import Testing

@Suite("Hand-over notification settings, webhook signatures")
struct NotificationSettingsTests {
    func parse(_ notifications: String) throws -> TenantConfiguration {
        let yaml = "tenants:\n  - id: demo\n    notifications:\n" + notifications
        return try #require(try TenantDirectory(parsing: yaml).tenant(id: "demo"))
    }

    func problem(_ notifications: String) -> String? {
        do {
            _ = try parse(notifications)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("webhook, email and SMS targets with their defaults; events default to both")
    func fullExample() throws {
        let tenant = try parse(
            """
                  desk_url: https://desk.example.com/desk
                  targets:
                    - type: webhook
                      url: https://hooks.example.com/switchboard
                    - type: email
                      host: smtp.example.com
                      from: desk@example.com
                      to: [leads@example.com, night@example.com]
                      events: [handover_escalated]
                    - type: sms
                      to: ["+4915112345678"]
                      from: "+15005550006"
                      events: [handover_started]
                    - type: webhook
                      url: http://127.0.0.1:9000/hook
                      secret: SECOND_HOOK_SECRET
            """)
        let settings = tenant.notifications
        #expect(settings.deskURL == "https://desk.example.com/desk")
        #expect(settings.targets.map(\.kind) == ["webhook", "email", "sms", "webhook"])
        guard case .webhook(let webhook) = settings.targets[0].destination,
            case .email(let email) = settings.targets[1].destination,
            case .sms(let sms) = settings.targets[2].destination,
            case .webhook(let second) = settings.targets[3].destination
        else {
            Issue.record("wrong kinds")
            return
        }
        #expect(webhook.secret == "NOTIFY_WEBHOOK_SECRET")
        #expect(settings.targets[0].events == [.handoverStarted, .handoverEscalated])
        #expect(email.port == 587 && email.tls == .starttls)
        #expect(email.usernameSecret == "SMTP_USERNAME" && email.passwordSecret == "SMTP_PASSWORD")
        #expect(email.to == ["leads@example.com", "night@example.com"])
        #expect(sms.from == "+15005550006")
        #expect(second.secret == "SECOND_HOOK_SECRET")
        #expect(settings.targets(for: .handoverStarted).map(\.index) == [0, 2, 3])
        #expect(settings.targets(for: .handoverEscalated).map(\.index) == [0, 1, 3])
    }

    @Test("no notifications: no targets")
    func none() throws {
        let tenant = try #require(try TenantDirectory(parsing: "tenants:\n  - id: demo\n").tenant(id: "demo"))
        #expect(tenant.notifications.targets.isEmpty)
        #expect(tenant.notifications.targets(for: .handoverStarted).isEmpty)
    }

    @Test("bad targets are refused, naming the tenant and the target's position")
    func refusals() {
        let cases: [(String, String)] = [
            ("      targets:\n        - type: pager\n", "targets"),
            ("      targets:\n        - type: webhook\n          url: ftp://x/y\n", "targets[0]: url"),
            (
                "      targets:\n        - type: webhook\n          url: https://x/y\n          secret: \"a-b\"\n",
                "secret"
            ),
            (
                "      targets:\n        - type: email\n          host: smtp.x\n          from: \"a@x\\r\\nBcc: b@y\"\n          to: [c@x]\n",
                "from"
            ),
            (
                "      targets:\n        - type: email\n          host: smtp.x\n          from: a@x\n          to: []\n",
                "to"
            ),
            (
                "      targets:\n        - type: email\n          host: smtp.x\n          from: a@x\n          to: [\"<c@x>\"]\n",
                "to address"
            ),
            ("      targets:\n        - type: sms\n          to: [\"004915112345678\"]\n", "E.164"),
            ("      targets:\n        - type: webhook\n          url: https://x/y\n          events: []\n", "events"),
            (
                "      targets:\n        - type: webhook\n          url: https://x/y\n          events: [resolved]\n",
                "events"
            ),
            ("      desk_url: javascript:alert(1)\n", "desk_url"),
        ]
        for (yaml, expected) in cases {
            let problem = problem(yaml)
            #expect(problem?.contains(expected) == true, "\(yaml) → \(problem ?? "accepted")")
            #expect(problem?.contains("demo") == true || problem?.contains("notifications") == true)
        }
    }

    @Test("the signature is the HMAC-SHA256 of timestamp.body, as openssl computes it")
    func signatureVector() {
        // printf '%s' '1767225600.{"event":"handover_started","handover_id":"h-1"}' \
        //   | openssl dgst -sha256 -hmac 'whsec_test_secret'
        let body = Array(#"{"event":"handover_started","handover_id":"h-1"}"#.utf8)
        let expected = "sha256=32c7c50f2901e68332d1a678d43e0643e4b1cdb1e237d7a9f71b12c87b1dcc81"
        #expect(WebhookSignature.sign(body: body, timestamp: 1_767_225_600, secret: "whsec_test_secret") == expected)
        #expect(
            WebhookSignature.verify(
                signature: expected, body: body, timestamp: 1_767_225_600, secret: "whsec_test_secret"))
        #expect(
            !WebhookSignature.verify(
                signature: expected, body: body, timestamp: 1_767_225_601, secret: "whsec_test_secret"))
        #expect(
            !WebhookSignature.verify(
                signature: expected, body: body + [0x20], timestamp: 1_767_225_600, secret: "whsec_test_secret"))
        #expect(!WebhookSignature.verify(signature: expected, body: body, timestamp: 1_767_225_600, secret: "other"))
    }

    @Test("a notification's id and delivery ids are derived from the hand-over and the event")
    func notificationIds() {
        let record = HandoverRecord(
            id: "0b6a5d6e-7a1e-4c4b-9a52-5b0d1f1d9f10", tenantId: "demo", sessionId: "s-1", customerId: "c-1",
            reason: .customerAskedForHuman, createdAt: Date(timeIntervalSince1970: 1_767_225_600))
        let started = HandoverNotification(
            event: .handoverStarted, handover: record, channel: "web_chat", occurredAt: record.createdAt, deskURL: nil)
        let again = HandoverNotification(
            event: .handoverStarted, handover: record, channel: nil,
            occurredAt: record.createdAt.addingTimeInterval(5), deskURL: nil)
        let escalated = HandoverNotification(
            event: .handoverEscalated, handover: record, channel: "web_chat",
            occurredAt: record.createdAt.addingTimeInterval(125), deskURL: nil)
        #expect(started.id == again.id)
        #expect(started.id != escalated.id)
        #expect(started.deliveryId(target: "a") != started.deliveryId(target: "b"))
        #expect(started.deliveryId(target: "a") == again.deliveryId(target: "a"))
        #expect(escalated.waitSeconds == 125)
        #expect(
            escalated.summary == "Hand-over still unclaimed (demo, web_chat, customer_asked_for_human, waiting 2 min)")
    }
}

@Suite("Sign-in throttling per client address (controllable clock)")
struct SignInAddressThrottleTests {
    let start = Date(timeIntervalSince1970: 1_767_225_600)

    @Test("free failures, then blocks that double up to the maximum; other addresses are not affected")
    func backoff() {
        var throttle = SignInAddressThrottle(
            policy: .init(freeFailures: 3, baseDelay: 10, maximumDelay: 40, window: 3600))
        for second in 0..<3 {
            #expect(throttle.failed("198.51.100.7", at: start.addingTimeInterval(Double(second))) == nil)
        }
        #expect(throttle.blockedUntil("198.51.100.7", at: start.addingTimeInterval(3)) == nil)
        let now = start.addingTimeInterval(3)
        #expect(throttle.failed("198.51.100.7", at: now) == now.addingTimeInterval(10))
        #expect(throttle.blockedUntil("198.51.100.7", at: now.addingTimeInterval(9)) == now.addingTimeInterval(10))
        #expect(throttle.blockedUntil("203.0.113.9", at: now) == nil)
        #expect(throttle.blockedUntil("198.51.100.7", at: now.addingTimeInterval(10)) == nil)
        let later = now.addingTimeInterval(10)
        #expect(throttle.failed("198.51.100.7", at: later)?.timeIntervalSince(later).rounded() == 20)
        #expect(throttle.failed("198.51.100.7", at: later)?.timeIntervalSince(later).rounded() == 40)
        #expect(throttle.failed("198.51.100.7", at: later)?.timeIntervalSince(later).rounded() == 40)
    }

    @Test("quiet time forgives: each window halves the count")
    func decay() {
        var throttle = SignInAddressThrottle(
            policy: .init(freeFailures: 4, baseDelay: 10, maximumDelay: 40, window: 60))
        for _ in 0..<4 { throttle.failed("a", at: start) }
        // Two quiet windows: four failures count as one, so three more are free again.
        let later = start.addingTimeInterval(120)
        for _ in 0..<2 { #expect(throttle.failed("a", at: later) == nil) }
        #expect(throttle.failed("a", at: later) == nil)
        #expect(throttle.failed("a", at: later) != nil)
    }

    @Test("memory is bounded: the address seen longest ago is dropped")
    func capacity() {
        var throttle = SignInAddressThrottle(policy: .init(freeFailures: 0, capacity: 2))
        throttle.failed("a", at: start)
        throttle.failed("b", at: start.addingTimeInterval(1))
        throttle.failed("c", at: start.addingTimeInterval(2))
        #expect(throttle.trackedAddresses == 2)
        #expect(throttle.blockedUntil("a", at: start.addingTimeInterval(2)) == nil)
        #expect(throttle.blockedUntil("c", at: start.addingTimeInterval(2)) != nil)
    }
}

@Suite("Notification targets' keys")
struct NotificationTargetKeyTests {
    @Test func aKeyNamesTheDestinationWhereverItSitsAndWhateverEventsItWants() {
        let hook = NotificationTarget(.webhook(WebhookTarget(url: "https://hooks.example.com/a")))
        let other = NotificationTarget(.webhook(WebhookTarget(url: "https://hooks.example.com/b")))
        let sms = NotificationTarget(.sms(SMSTarget(to: ["+4915112345678"])), events: [.handoverStarted])
        #expect(hook.key.count == 16)
        #expect(Set([hook.key, other.key, sms.key]).count == 3)
        let first = TenantNotificationSettings(targets: [hook, sms]).targets(for: .handoverStarted).map(\.target.key)
        let reordered = TenantNotificationSettings(targets: [sms, hook]).targets(for: .handoverStarted)
            .map(\.target.key)
        #expect(Set(first) == Set(reordered))
        var escalationsOnly = hook
        escalationsOnly.events = [.handoverEscalated]
        #expect(escalationsOnly.key == hook.key)
    }
}
