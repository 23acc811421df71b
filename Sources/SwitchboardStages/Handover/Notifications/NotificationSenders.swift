import Foundation
import SwitchboardCore

/// How one target's delivery of one notification ended, after its retries.
enum NotificationOutcome: Sendable, Hashable {
    case sent
    /// Given up: a permanent refusal, or attempts ran out. The reason names the host and status, never a
    /// secret, a URL path or customer text.
    case failed(reason: String, attempts: Int)
}

/// The signed webhook (``WebhookSignature``): `POST` of the notification's JSON with
/// `X-Switchboard-Signature`, `X-Switchboard-Timestamp` (signed anew for each attempt), `X-Switchboard-Event`
/// and `X-Switchboard-Delivery` (the same for every attempt: the receiver's idempotency key). Retried on
/// transport failures, 408, 429 (honouring `Retry-After`) and 5xx.
struct WebhookNotificationSender: Sendable {
    let http: ProviderHTTPClient
    let retry: RetryPolicy
    let metrics: NotificationMetrics
    let clock: @Sendable () -> Date

    static let deliveryHeader = "X-Switchboard-Delivery"
    static let eventHeader = "X-Switchboard-Event"

    func deliver(
        _ notification: HandoverNotification, to target: WebhookTarget, secret: String, deliveryId: String
    )
        async -> NotificationOutcome
    {
        guard let url = URL(string: target.url) else {
            return .failed(reason: "the webhook URL is invalid", attempts: 0)
        }
        let host = url.host ?? "?"
        let body: [UInt8]
        do {
            body = Array(try SwitchboardJSON.makeEncoder().encode(notification))
        } catch {
            return .failed(reason: "the notification could not be encoded", attempts: 0)
        }
        var attempts = 0
        return await retry.run { _ in
            attempts += 1
            let request = Self.request(
                url: url, body: body, secret: secret, deliveryId: deliveryId, event: notification.event,
                timestamp: Int(clock().timeIntervalSince1970))
            let response: ProviderHTTPResponse
            do throws(ProviderHTTPError) {
                response = try await http.send(request)
            } catch {
                metrics.attempt(kind: "webhook", result: "retriable")
                return .retry(.failed(reason: "webhook to \(host): \(error.code)", attempts: attempts), retryAfter: nil)
            }
            return Self.step(response, host: host, attempts: attempts, metrics: metrics)
        }
    }

    /// The request of one attempt.
    static func request(
        url: URL, body: [UInt8], secret: String, deliveryId: String, event: HandoverNotificationEvent, timestamp: Int
    ) -> ProviderHTTPRequest {
        ProviderHTTPRequest(
            url: url,
            headers: [
                "Content-Type": "application/json", "User-Agent": "Switchboard-Notifications/1",
                WebhookSignature.signatureHeader: WebhookSignature.sign(
                    body: body, timestamp: timestamp, secret: secret),
                WebhookSignature.timestampHeader: String(timestamp), deliveryHeader: deliveryId,
                eventHeader: event.rawValue,
            ], body: body)
    }

    /// 2xx is delivered; 408, 429 and 5xx are retried; other answers are permanent.
    static func step(
        _ response: ProviderHTTPResponse, host: String, attempts: Int, metrics: NotificationMetrics
    ) -> RetryPolicy.Step<NotificationOutcome> {
        if response.isSuccess {
            metrics.attempt(kind: "webhook", result: "ok")
            return .done(.sent)
        }
        let failure = NotificationOutcome.failed(
            reason: "webhook to \(host) answered \(response.status)", attempts: attempts)
        if RetryPolicy.isRetriable(status: response.status) {
            metrics.attempt(kind: "webhook", result: "retriable")
            return .retry(failure, retryAfter: response.retryAfter)
        }
        metrics.attempt(kind: "webhook", result: "permanent")
        return .done(failure)
    }
}

/// An SMS per number through Twilio's Messages API: `POST {base}/2010-04-01/Accounts/{SID}/Messages.json`,
/// form-encoded `To`, `From`, `Body`, HTTP basic auth. Each number has its own retries; a number already
/// texted is not texted again when a later one fails.
struct SMSNotificationSender: Sendable {
    let http: ProviderHTTPClient
    let retry: RetryPolicy
    let apiBase: String
    let metrics: NotificationMetrics

    struct Account: Sendable {
        var sid: String
        var token: String
        var from: String
    }

    func deliver(
        _ notification: HandoverNotification, to target: SMSTarget, account: Account
    ) async
        -> NotificationOutcome
    {
        guard account.sid.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
            let url = URL(string: "\(apiBase)/2010-04-01/Accounts/\(account.sid)/Messages.json")
        else { return .failed(reason: "the Twilio account SID is not usable in a URL", attempts: 0) }
        let credentials = Data("\(account.sid):\(account.token)".utf8).base64EncodedString()
        let headers = ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(credentials)"]
        let text = Self.text(notification)
        var attempts = 0
        for number in target.to {
            let body = TwilioForm.encode([("To", number), ("From", account.from), ("Body", text)])
            let outcome: NotificationOutcome = await retry.run { _ in
                attempts += 1
                do throws(ProviderHTTPError) {
                    let response = try await http.send(ProviderHTTPRequest(url: url, headers: headers, body: body))
                    return Self.step(response, attempts: attempts, metrics: metrics)
                } catch {
                    metrics.attempt(kind: "sms", result: "retriable")
                    return .retry(.failed(reason: "twilio: \(error.code)", attempts: attempts), retryAfter: nil)
                }
            }
            if case .failed = outcome { return outcome }
        }
        return .sent
    }

    /// The SMS text: the summary and the desk's link; at most 320 characters (two segments).
    static func text(_ notification: HandoverNotification) -> String {
        var text = "Switchboard: " + notification.summary
        if let desk = notification.deskURL { text += " " + desk }
        return String(text.prefix(320))
    }

    static func step(
        _ response: ProviderHTTPResponse, attempts: Int, metrics: NotificationMetrics
    ) -> RetryPolicy.Step<NotificationOutcome> {
        if response.isSuccess {
            metrics.attempt(kind: "sms", result: "ok")
            return .done(.sent)
        }
        var reason = "twilio answered \(response.status)"
        if let code = (try? JSONDecoder().decode(TwilioAnswer.self, from: Data(response.body)))?.code {
            reason += " (error \(code))"
        }
        let failure = NotificationOutcome.failed(reason: reason, attempts: attempts)
        if RetryPolicy.isRetriable(status: response.status) {
            metrics.attempt(kind: "sms", result: "retriable")
            return .retry(failure, retryAfter: response.retryAfter)
        }
        metrics.attempt(kind: "sms", result: "permanent")
        return .done(failure)
    }
}

/// An email through the tenant's SMTP server: one transaction to every recipient, retried on 4xx replies,
/// broken connections and timeouts; a 5xx is permanent.
struct EmailNotificationSender: Sendable {
    let smtp: SMTPClient
    let retry: RetryPolicy
    let metrics: NotificationMetrics
    let clock: @Sendable () -> Date

    func deliver(
        _ notification: HandoverNotification, to target: EmailTarget,
        credentials: (username: String, password: String)?, deliveryId: String
    ) async -> NotificationOutcome {
        let message = Self.message(notification, target: target, deliveryId: deliveryId, date: clock())
        var attempts = 0
        return await retry.run { _ in
            attempts += 1
            do throws(SMTPError) {
                try await smtp.send(
                    message, host: target.host, port: target.port, startTLS: target.tls == .starttls,
                    credentials: credentials)
                metrics.attempt(kind: "email", result: "ok")
                return .done(.sent)
            } catch {
                let failure = NotificationOutcome.failed(
                    reason: "email via \(target.host): \(error.description)", attempts: attempts)
                guard error.isRetriable else {
                    metrics.attempt(kind: "email", result: "permanent")
                    return .done(failure)
                }
                metrics.attempt(kind: "email", result: "retriable")
                return .retry(failure, retryAfter: nil)
            }
        }
    }

    /// The email: the summary as subject; ids, channel, reason, wait and the desk's link in the body.
    static func message(
        _ notification: HandoverNotification, target: EmailTarget, deliveryId: String, date: Date
    ) -> SMTPMessage {
        var lines = [
            notification.summary, "",
            "Tenant:       \(notification.tenantId)",
            "Hand-over:    \(notification.handoverId)",
            "Conversation: \(notification.sessionId)",
            "Customer:     \(notification.customerId)",
            "Channel:      \(notification.channel ?? "unknown")",
            "Reason:       \(notification.reason)",
            "Waiting:      \(HandoverNotification.duration(notification.waitSeconds))",
        ]
        if let desk = notification.deskURL { lines += ["", "Open the desk: \(desk)"] }
        return SMTPMessage(
            from: target.from, to: target.to, subject: "[Switchboard] " + notification.summary,
            body: lines.joined(separator: "\n") + "\n", messageId: "\(deliveryId)@switchboard.invalid", date: date,
            extraHeaders: [
                ("X-Switchboard-Event", notification.event.rawValue),
                ("X-Switchboard-Handover", notification.handoverId),
            ])
    }
}
