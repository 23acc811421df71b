public import Foundation
public import Hummingbird
public import SwitchboardCore

/// WhatsApp Cloud API (Meta).
///
/// - `GET /webhooks/whatsapp/{tenant}`: the subscription handshake (`WHATSAPP_VERIFY_TOKEN`).
/// - `POST /webhooks/whatsapp/{tenant}`: webhooks signed with `X-Hub-Signature-256` (`WHATSAPP_APP_SECRET`);
///   messages, reactions, unsupported types and statuses, with envelope ids derived from the `wamid`.
/// - Delivery: `POST {SWITCHBOARD_WHATSAPP_API_BASE}/{SWITCHBOARD_WHATSAPP_API_VERSION}/{WHATSAPP_PHONE_NUMBER_ID}/messages`
///   with `Authorization: Bearer WHATSAPP_ACCESS_TOKEN`; long text is sent in parts of at most 4096 characters;
///   media as `image`/`document`/`audio`/`video` (`link` or `id`), locations as `location`, choices as
///   `interactive` reply buttons or a list (``WhatsAppOutboundMessage``).
/// - A tenant whose WhatsApp number is on Twilio (`WHATSAPP_PROVIDER=twilio`; see ``WhatsAppProvider``) gets
///   its replies through Twilio's Messages resource instead, and its messages and statuses on
///   `/webhooks/sms/{tenant}`. A reply goes out through the provider its customer's message came in on
///   (``Envelope/provider``), whatever the tenant's default.
/// - Sender actions (Cloud API only; Twilio has none): `{"status": "read", "message_id": <wamid>}` on the
///   messages endpoint, with `"typing_indicator": {"type": "text"}` added for typing (which WhatsApp ties to
///   the message being answered, and which marks it read too). Without the customer's wamid nothing is sent.
/// - Outside the customer-service window the outbound stage sends the tenant's template instead
///   (``deliverTemplate(_:for:progress:)``): `type: template` at Meta, `ContentSid` at Twilio.
public struct WhatsAppAdapter: MetaWebhookAdapter, TemplateDeliveryAdapter, SenderActionAdapter {
    public var channel: Channel { .whatsapp }

    private let secrets: TenantSecrets
    /// Signature check and handshake.
    public let security: MetaWebhookSecurity
    private let sender: MetaGraphSender
    private let twilio: TwilioOutbound
    private let base: String
    private let version: String
    private let splitter = TextSplitter.whatsApp

    /// An adapter reading tenant credentials from `secrets` and endpoints and retry settings from
    /// `configuration`. `retryPolicy`, `circuitBreaker` and `rateLimiter` default to the configuration's
    /// (`SWITCHBOARD_WHATSAPP_RATE_PER_SECOND`, 80/s per number); the retry policy and breaker also serve
    /// tenants on Twilio, paced by `twilioRateLimiter` (`SWITCHBOARD_TWILIO_RATE_PER_SECOND`, 10/s per number).
    public init(
        secrets: TenantSecrets, configuration: ProviderConfiguration, retryPolicy: RetryPolicy? = nil,
        circuitBreaker: CircuitBreaker? = nil, rateLimiter: RateLimiter? = nil, twilioRateLimiter: RateLimiter? = nil
    ) {
        self.secrets = secrets
        self.security = MetaWebhookSecurity(
            appSecretName: "WHATSAPP_APP_SECRET", verifyTokenName: "WHATSAPP_VERIFY_TOKEN",
            sha1Name: "WHATSAPP_SIGNATURE_SHA1", secrets: secrets)
        let retry = retryPolicy ?? configuration.retryPolicy
        let breaker = circuitBreaker ?? configuration.circuitBreaker
        self.sender = MetaGraphSender(
            sender: ProviderSender(http: configuration.httpClient, retry: retry, breaker: breaker),
            limiter: rateLimiter ?? configuration.rateLimiter("whatsapp", default: 80))
        self.twilio = TwilioOutbound(
            secrets: secrets, providers: configuration, retry: retry, breaker: breaker,
            limiter: twilioRateLimiter ?? configuration.rateLimiter("twilio", default: 10))
        self.base = configuration.apiBase("whatsapp", default: "https://graph.facebook.com")
        self.version = configuration.value("whatsapp", "API_VERSION", default: "v21.0")
    }

    public func parse(
        body: [UInt8], headers: HTTPFields, tenantId: String, receivedAt: Date, ids: UUIDv7Generator
    ) throws(ChannelHTTPError) -> [Envelope] {
        let payload: WhatsAppWebhookPayload
        let raw: JSONValue
        do {
            payload = try JSONDecoder().decode(WhatsAppWebhookPayload.self, from: Data(body))
            raw = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw ChannelHTTPError(.badRequest, "body is not a WhatsApp webhook")
        }
        return WhatsAppEnvelopeBuilder(
            tenantId: tenantId, receivedAt: receivedAt,
            phoneNumberId: secrets.credential("WHATSAPP_PHONE_NUMBER_ID", tenantId: tenantId)
        ).envelopes(payload, raw: raw)
    }

    private struct SendResponse: Decodable {
        struct Message: Decodable { var id: String }
        var messages: [Message]?
    }

    /// The provider that carries `tenantId`'s WhatsApp number; nil for an unknown `WHATSAPP_PROVIDER`.
    public func provider(tenantId: String) -> WhatsAppProvider? {
        WhatsAppProvider(
            configured: secrets.credential("WHATSAPP_PROVIDER", tenantId: tenantId),
            hasMetaToken: secrets.credential("WHATSAPP_ACCESS_TOKEN", tenantId: tenantId) != nil,
            hasTwilio: twilio.isConfigured(tenantId: tenantId))
    }

    /// The provider a reply goes out through: the one its customer's message came in on, else the tenant's.
    public func provider(for envelope: Envelope) -> WhatsAppProvider? {
        envelope.provider.flatMap(WhatsAppProvider.init(rawValue:)) ?? provider(tenantId: envelope.tenantId)
    }

    public func deliver(_ envelope: Envelope, progress: DeliveryProgress) async throws -> DeliveryOutcome {
        switch provider(for: envelope) {
        case .meta: return try await deliverThroughMeta(envelope, progress: progress)
        case .twilio: return try await twilio.deliver(envelope, progress: progress)
        case nil:
            return .permanentFailure(reason: "WHATSAPP_PROVIDER of tenant \(envelope.tenantId) is not meta or twilio")
        }
    }

    private func deliverThroughMeta(_ envelope: Envelope, progress: DeliveryProgress) async throws -> DeliveryOutcome {
        guard let phoneNumberId = secrets.credential("WHATSAPP_PHONE_NUMBER_ID", tenantId: envelope.tenantId),
            let token = secrets.credential("WHATSAPP_ACCESS_TOKEN", tenantId: envelope.tenantId)
        else { return .permanentFailure(reason: "WhatsApp is not configured for tenant \(envelope.tenantId)") }
        guard let content = envelope.content else {
            return .permanentFailure(reason: "WhatsApp reply has no content")
        }
        if let problem = content.outboundProblem(on: .whatsapp) { return .permanentFailure(reason: problem) }
        let messages = WhatsAppOutboundMessage.messages(for: content, to: envelope.externalId)
        guard !messages.isEmpty else {
            return .permanentFailure(reason: "WhatsApp cannot send \(content.typeName) content")
        }
        guard let url = URL(string: "\(base)/\(version)/\(phoneNumberId)/messages") else {
            return .permanentFailure(reason: "invalid WhatsApp API base URL")
        }
        var progress = progress
        return try await progress.send(messages) { body in
            let request = try ProviderHTTPRequest.json(url, body: body, headers: ["Authorization": "Bearer \(token)"])
            return await sender.send(request, account: "whatsapp:\(phoneNumberId)") { body in
                (try? JSONDecoder().decode(SendResponse.self, from: Data(body)))?.messages?.first?.id
            }
        }
    }

    private struct TemplateRequest: Encodable {
        struct Template: Encodable {
            struct Language: Encodable { var code: String }
            struct Component: Encodable {
                struct Parameter: Encodable {
                    var type = "text"
                    var text: String
                }
                var type = "body"
                var parameters: [Parameter]
            }
            var name: String
            var language: Language
            var components: [Component]?
        }
        var messaging_product = "whatsapp"
        var recipient_type = "individual"
        var to: String
        var type = "template"
        var template: Template
    }

    public func deliverTemplate(
        _ template: WhatsAppTemplate, for envelope: Envelope, progress: DeliveryProgress
    ) async throws -> DeliveryOutcome {
        let parameters = template.parameterValues(reply: envelope.content?.textForUnderstanding ?? "")
        switch provider(for: envelope) {
        case .meta: return try await templateThroughMeta(template, parameters: parameters, envelope, progress)
        case .twilio:
            return try await twilio.deliverTemplate(template, parameters: parameters, for: envelope, progress: progress)
        case nil:
            return .permanentFailure(reason: "WHATSAPP_PROVIDER of tenant \(envelope.tenantId) is not meta or twilio")
        }
    }

    private func templateThroughMeta(
        _ template: WhatsAppTemplate, parameters: [String], _ envelope: Envelope, _ progress: DeliveryProgress
    ) async throws -> DeliveryOutcome {
        guard let name = template.name, let language = template.language else {
            return .permanentFailure(
                reason: "the customer-service window is closed and whatsapp.templates.reengage has no name for Meta")
        }
        guard let phoneNumberId = secrets.credential("WHATSAPP_PHONE_NUMBER_ID", tenantId: envelope.tenantId),
            let token = secrets.credential("WHATSAPP_ACCESS_TOKEN", tenantId: envelope.tenantId)
        else { return .permanentFailure(reason: "WhatsApp is not configured for tenant \(envelope.tenantId)") }
        guard let url = URL(string: "\(base)/\(version)/\(phoneNumberId)/messages") else {
            return .permanentFailure(reason: "invalid WhatsApp API base URL")
        }
        let body = TemplateRequest(
            to: envelope.externalId,
            template: .init(
                name: name, language: .init(code: language),
                components: parameters.isEmpty
                    ? nil : [.init(parameters: parameters.map { .init(text: $0) })]))
        var progress = progress
        return try await progress.send([body]) { body in
            let request = try ProviderHTTPRequest.json(url, body: body, headers: ["Authorization": "Bearer \(token)"])
            return await sender.send(request, account: "whatsapp:\(phoneNumberId)") { body in
                (try? JSONDecoder().decode(SendResponse.self, from: Data(body)))?.messages?.first?.id
            }
        }
    }

    private struct SenderActionRequest: Encodable {
        struct TypingIndicator: Encodable { var type = "text" }
        var messaging_product = "whatsapp"
        var status = "read"
        var message_id: String
        var typing_indicator: TypingIndicator?
    }

    public func sendActions(_ envelope: Envelope) async -> SenderActionOutcome {
        // Twilio has no read receipts or typing indicators for WhatsApp; the Cloud API needs the wamid.
        guard provider(for: envelope) == .meta, let wamid = envelope.relatesTo, !wamid.isEmpty else {
            return .unsupported
        }
        guard let phoneNumberId = secrets.credential("WHATSAPP_PHONE_NUMBER_ID", tenantId: envelope.tenantId),
            let token = secrets.credential("WHATSAPP_ACCESS_TOKEN", tenantId: envelope.tenantId)
        else { return .failed(reason: "WhatsApp is not configured for tenant \(envelope.tenantId)") }
        guard let url = URL(string: "\(base)/\(version)/\(phoneNumberId)/messages") else {
            return .failed(reason: "invalid WhatsApp API base URL")
        }
        // One request: the typing indicator marks the message read as well.
        let typing = envelope.senderActions?.contains(.typing) == true
        let body = SenderActionRequest(message_id: wamid, typing_indicator: typing ? .init() : nil)
        guard
            let request = try? ProviderHTTPRequest.json(url, body: body, headers: ["Authorization": "Bearer \(token)"])
        else { return .failed(reason: "the WhatsApp sender action could not be encoded") }
        let once = MetaGraphSender(sender: sender.sender.once, limiter: sender.limiter)
        return await once.send(request, account: "whatsapp:\(phoneNumberId)") { _ in nil }.senderActionOutcome
    }
}
