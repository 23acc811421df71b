import Foundation
import SwitchboardCore

/// Sends replies through the Messages resource: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`,
/// form-encoded `To`, `From`, `Body`, HTTP basic auth with the account sid and auth token. Serves SMS and
/// WhatsApp through Twilio (`whatsapp:` addresses).
///
/// A 2xx is sent (with the message `sid` when the answer has one); 429 and 5xx are retried (honouring
/// `Retry-After`), then left to the outbound stage; other 4xx are permanent, with Twilio's `code` and
/// `message`. Each sending number of an account has its own circuit and pace (`twilio:<sid>/<from>`).
struct TwilioOutbound: Sendable {
    let secrets: TenantSecrets
    let apiBase: String
    let sender: ProviderSender
    let limiter: RateLimiter

    /// An outbound sender with `providers`' API base and the given policies.
    init(
        secrets: TenantSecrets, providers: ProviderConfiguration, retry: RetryPolicy, breaker: CircuitBreaker,
        limiter: RateLimiter
    ) {
        self.secrets = secrets
        self.apiBase = providers.apiBase("twilio", default: "https://api.twilio.com")
        self.sender = ProviderSender(http: providers.httpClient, retry: retry, breaker: breaker)
        self.limiter = limiter
    }

    /// Whether `tenantId` has the credentials to send through Twilio.
    func isConfigured(tenantId: String) -> Bool {
        ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"].allSatisfy {
            secrets.credential($0, tenantId: tenantId) != nil
        }
    }

    /// Where and how one of a tenant's messages is sent.
    private struct Route {
        var url: URL
        var headers: [String: String]
        var from: String
        var to: String
        /// The circuit and pacing key of the sending number.
        var sendingNumber: String
    }

    /// A route, or the outcome of a message that cannot be sent.
    private enum Routing {
        case ready(Route)
        case refused(DeliveryOutcome)
    }

    /// The route of `envelope`, or the reason it cannot be sent.
    private func route(_ envelope: Envelope) -> Routing {
        let tenant = envelope.tenantId
        guard let account = secrets.credential("TWILIO_ACCOUNT_SID", tenantId: tenant),
            let token = secrets.credential("TWILIO_AUTH_TOKEN", tenantId: tenant),
            var from = secrets.credential("TWILIO_FROM", tenantId: tenant)
        else {
            return .refused(.permanentFailure(reason: "twilio is not configured for this tenant"))
        }
        var to = envelope.externalId
        if envelope.channel == .whatsapp {
            if !to.hasPrefix("whatsapp:") { to = "whatsapp:" + to }
            if !from.hasPrefix("whatsapp:") { from = "whatsapp:" + from }
        }
        guard let url = URL(string: "\(apiBase)/2010-04-01/Accounts/\(account)/Messages.json") else {
            return .refused(.permanentFailure(reason: "twilio account sid is not usable in a URL"))
        }
        let credentials = Data("\(account):\(token)".utf8).base64EncodedString()
        let headers = [
            "Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(credentials)",
        ]
        return .ready(
            Route(url: url, headers: headers, from: from, to: to, sendingNumber: "twilio:\(account)/\(from)"))
    }

    private func send(_ form: [(name: String, value: String)], route: Route) async -> DeliveryOutcome {
        await sender.send(
            ProviderHTTPRequest(url: route.url, headers: route.headers, body: TwilioForm.encode(form)),
            account: route.sendingNumber, limits: [.init(limiter: limiter, key: route.sendingNumber)],
            step: TwilioOutbound.step(for:))
    }

    func deliver(_ envelope: Envelope, progress: DeliveryProgress) async throws -> DeliveryOutcome {
        let route: Route
        switch self.route(envelope) {
        case .ready(let found): route = found
        case .refused(let refusal): return refusal
        }
        guard let content = envelope.content else { return .permanentFailure(reason: "twilio reply has no content") }
        if let problem = content.outboundProblem(on: envelope.channel) { return .permanentFailure(reason: problem) }
        let forms: [[(name: String, value: String)]]
        switch Self.fields(for: content, whatsApp: envelope.channel == .whatsapp) {
        case .success(let found): forms = found
        case .failure(let refusal): return .permanentFailure(reason: refusal.reason)
        }
        var progress = progress
        return try await progress.send(forms) { fields in
            // The documented order: `From`, the message's fields, `To`.
            var form: [(name: String, value: String)] = [("From", route.from)]
            form += fields
            form.append(("To", route.to))
            return await send(form, route: route)
        }
    }

    /// Why content cannot go through Twilio.
    struct Refusal: Error, Equatable {
        var reason: String
    }

    /// The form fields (besides `From` and `To`) of each message that sends `content`. Text goes as `Body`;
    /// Twilio splits a body of up to 1600 characters into SMS segments itself, longer text is sent as several
    /// messages. Media goes as `MediaUrl` with its caption as `Body` (MMS on SMS); a location as its name,
    /// address and map link, on WhatsApp with a `PersistentAction` `geo:` pin; a choice as numbered lines,
    /// which the customer answers with a number or the title (Twilio sends WhatsApp buttons only as approved
    /// Content templates).
    static func fields(
        for content: Content, whatsApp: Bool
    ) -> Result<[[(name: String, value: String)]], Refusal> {
        switch content {
        case .media(let media):
            guard media.isURL else { return .failure(Refusal(reason: "twilio sends media by URL only")) }
            var fields: [(name: String, value: String)] = []
            if let caption = media.caption, !caption.isEmpty { fields.append(("Body", caption)) }
            fields.append(("MediaUrl", media.reference))
            return .success([fields])
        case .location(let location) where whatsApp:
            let label = location.name ?? location.address
            let pin = "geo:\(location.latitude),\(location.longitude)" + (label.map { "|\($0)" } ?? "")
            return .success([[("Body", location.plainText), ("PersistentAction", pin)]])
        default:
            guard let text = content.plainText, !text.isEmpty else {
                return .failure(Refusal(reason: "twilio cannot send \(content.typeName) content"))
            }
            return .success(TextSplitter.sms.split(text).map { [("Body", $0)] })
        }
    }

    /// Sends `template`'s Content SID (`ContentSid`) with its parameters as `ContentVariables` (`{"1": ...}`),
    /// as the reply's one part.
    func deliverTemplate(
        _ template: WhatsAppTemplate, parameters: [String], for envelope: Envelope, progress: DeliveryProgress
    ) async throws -> DeliveryOutcome {
        guard let contentSid = template.twilioContentSid else {
            return .permanentFailure(
                reason:
                    "the customer-service window is closed and whatsapp.templates.reengage has no twilio_content_sid")
        }
        let route: Route
        switch self.route(envelope) {
        case .ready(let found): route = found
        case .refused(let refusal): return refusal
        }
        var variables: [String: String] = [:]
        for (index, value) in parameters.enumerated() { variables[String(index + 1)] = value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(variables), as: UTF8.self)
        var progress = progress
        return try await progress.send([contentSid]) { sid in
            var form: [(name: String, value: String)] = [("From", route.from), ("To", route.to), ("ContentSid", sid)]
            if !parameters.isEmpty { form.append(("ContentVariables", json)) }
            return await send(form, route: route)
        }
    }

    static func step(for response: ProviderHTTPResponse) -> RetryPolicy.Step<DeliveryOutcome> {
        let answer = try? JSONDecoder().decode(TwilioAnswer.self, from: Data(response.body))
        if response.isSuccess { return .done(.sent(providerMessageId: answer?.sid)) }
        var reason = "twilio answered \(response.status)"
        if let code = answer?.code { reason += " (error \(code))" }
        // Twilio's message may quote the number ("The 'To' number +1… is not valid"): scrubbed for logs.
        if let message = answer?.message { reason += ": \(LogPrivacy.scrubbed(message))" }
        if RetryPolicy.isRetriable(status: response.status) {
            return .retry(.retriableFailure(reason: reason), retryAfter: response.retryAfter)
        }
        return .done(.permanentFailure(reason: reason))
    }
}

/// A Messages answer: the message (`sid`) or an error (`code`, `message`).
struct TwilioAnswer: Decodable {
    var sid: String?
    var code: Int?
    var message: String?
}
