public import Foundation
public import SwitchboardCore

/// Runs intent actions: a signed `POST` to the business's system whose JSON answer fills the reply
/// template (and may add buttons and an image, see ``ActionAnswer``), or asks for a person.
///
/// The body is the ``ActionCall``; `X-Switchboard-Timestamp` carries the Unix time and
/// `X-Switchboard-Signature` `sha256=HMAC-SHA256(ACTION_SECRET, "<timestamp>.<body>")`;
/// `Idempotency-Key` is the inbound message id, the same on a redelivery. Timeouts, 429 and 5xx are retried
/// with backoff.
public struct IntentActions: Sendable {
    /// What an action gave.
    public enum Outcome: Sendable, Hashable {
        /// The reply to send.
        case reply(String)
        /// The reply to send with the answer's buttons or image; `ignored` says what of the answer could not
        /// be sent and was left out (possibly all of it, leaving the text).
        case response(BotResponse, ignored: [String])
        /// The business asks for a person.
        case handover
        /// No usable answer: the customer gets the tenant's fallback reply and the message a dead letter.
        case failed(reason: String)
    }

    let transport: any BotHTTPTransport
    let secrets: TenantSecrets
    let metrics: BotMetrics
    let clock: @Sendable () -> Date
    let retryDelay: Duration

    public init(
        transport: any BotHTTPTransport, secrets: TenantSecrets, metrics: BotMetrics,
        clock: @escaping @Sendable () -> Date = { Date() }, retryDelay: Duration = .milliseconds(200)
    ) {
        self.transport = transport
        self.secrets = secrets
        self.metrics = metrics
        self.clock = clock
        self.retryDelay = retryDelay
    }

    /// The secret name actions are signed with.
    public static let secretName = "ACTION_SECRET"

    /// Runs `settings` for `call`; `values` fill placeholders the answer's data leaves open (entities,
    /// slots).
    public func run(
        _ settings: IntentActionSettings, call: ActionCall, values: [String: String]
    ) async -> Outcome {
        let outcome = await send(settings, call: call, values: values)
        let label: String
        switch outcome {
        case .reply, .response: label = "reply"
        case .handover: label = "handover"
        case .failed: label = "failed"
        }
        metrics.action(tenant: call.tenantId, action: call.action, outcome: label)
        return outcome
    }

    private func send(_ settings: IntentActionSettings, call: ActionCall, values: [String: String]) async -> Outcome {
        guard let text = settings.url else {
            // On the actions topic alone: the business's consumer acts; the reply is the template.
            guard settings.topic, let template = settings.reply, let reply = ReplyTemplate.fill(template, with: values)
            else { return .failed(reason: "action '\(call.action)': no url, and no reply to fill") }
            return .reply(reply)
        }
        guard let url = URL(string: text) else { return .failed(reason: "action '\(call.action)' has no valid url") }
        guard let secret = secrets.credential(Self.secretName, tenantId: call.tenantId) else {
            return .failed(reason: "tenant secret \(Self.secretName) is not set")
        }
        let body = call.body()
        let timestamp = Int(clock().timeIntervalSince1970)
        let request = ProviderHTTPRequest(
            url: url,
            headers: [
                "Content-Type": "application/json", "Accept": "application/json",
                ActionSignature.timestampHeader: String(timestamp),
                ActionSignature.signatureHeader: ActionSignature.sign(body: body, timestamp: timestamp, secret: secret),
                "Idempotency-Key": call.messageId,
            ],
            body: body)
        let retry = RetryPolicy(maxAttempts: settings.retries + 1, baseDelay: retryDelay, maxDelay: retryDelay * 10)
        let (transport, timeout) = (transport, Duration.milliseconds(settings.timeoutMilliseconds))
        let answered: Result<ProviderHTTPResponse, BotEngineError> = await retry.run { _ in
            do {
                let response = try await transport.send(request, timeout: timeout)
                if response.isSuccess { return .done(.success(response)) }
                let failure = BotEngineError(.unavailable, "the action answered \(response.status)")
                return RetryPolicy.isRetriable(status: response.status)
                    ? .retry(.failure(failure), retryAfter: response.retryAfter) : .done(.failure(failure))
            } catch {
                return .retry(.failure(BotEngineError(.timeout, "no answer from the action")), retryAfter: nil)
            }
        }
        let response: ProviderHTTPResponse
        switch answered {
        case .success(let value): response = value
        case .failure(let error): return .failed(reason: "action '\(call.action)': \(error.detail)")
        }
        let answer: ActionAnswer
        do {
            answer = try ActionAnswer.parse(response.body)
        } catch {
            return .failed(reason: "action '\(call.action)': \(error.detail)")
        }
        if answer.handover { return .handover }
        guard let template = settings.reply ?? answer.reply else {
            return .failed(reason: "action '\(call.action)': the answer has no reply and none is configured")
        }
        guard let reply = ReplyTemplate.fill(template, with: values.merging(answer.data) { _, data in data }) else {
            return .failed(reason: "action '\(call.action)': the answer lacks a value the reply names")
        }
        var rich = BotResponse(text: reply, buttons: answer.buttons, image: answer.image)
        var ignored = answer.ignored
        if let problem = BotResponse.problem(text: reply, buttons: rich.buttons, image: nil) {
            ignored.append("buttons: \(problem)")
            rich.buttons = []
        }
        guard rich.isRich || !ignored.isEmpty else { return .reply(reply) }
        return .response(rich, ignored: ignored)
    }
}

extension IntentActions {
    /// The `intent_action` event of `call` for the `actions` topic: the call's fields as details
    /// (`entity.<name>`, `slot.<name>`), with an id derived from the message's, the same on a redelivery.
    public static func event(_ call: ActionCall, messageId: UUID, traceId: String, at time: Date) -> SwitchboardEvent {
        var details = ["action": call.action, "message_id": call.messageId]
        if let intent = call.intent { details["intent"] = intent }
        if let text = call.text { details["text"] = text }
        for (name, value) in call.entities { details["entity.\(name)"] = value }
        for (name, value) in call.slots ?? [:] { details["slot.\(name)"] = value }
        return SwitchboardEvent(
            id: DerivedID.make(from: messageId, parts: ["action", call.action]), type: .intentAction,
            tenantId: call.tenantId, customerId: call.customerId, sessionId: call.sessionId, traceId: traceId,
            occurredAt: time, details: details)
    }
}

extension SwitchboardEvent.EventType {
    /// An intent action for the business's own consumers, on the `actions` topic.
    public static let intentAction = SwitchboardEvent.EventType(rawValue: "intent_action")
}
