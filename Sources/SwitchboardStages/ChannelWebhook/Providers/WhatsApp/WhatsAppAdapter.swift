public import Foundation
public import Hummingbird
public import SwitchboardCore

/// WhatsApp Cloud API (Meta).
///
/// - `GET /webhooks/whatsapp/{tenant}`: the subscription handshake (`WHATSAPP_VERIFY_TOKEN`).
/// - `POST /webhooks/whatsapp/{tenant}`: webhooks signed with `X-Hub-Signature-256` (`WHATSAPP_APP_SECRET`);
///   messages, reactions, unsupported types and statuses, with envelope ids derived from the `wamid`.
/// - Delivery: `POST {SWITCHBOARD_WHATSAPP_API_BASE}/{SWITCHBOARD_WHATSAPP_API_VERSION}/{WHATSAPP_PHONE_NUMBER_ID}/messages`
///   with `Authorization: Bearer WHATSAPP_ACCESS_TOKEN`; long text is sent in parts of at most 4096 characters.
public struct WhatsAppAdapter: MetaWebhookAdapter {
    public var channel: Channel { .whatsapp }

    private let secrets: TenantSecrets
    /// Signature check and handshake.
    public let security: MetaWebhookSecurity
    private let sender: MetaGraphSender
    private let base: String
    private let version: String
    private let splitter = TextSplitter.whatsApp

    /// An adapter reading tenant credentials from `secrets` and endpoints and retry settings from
    /// `configuration`. `retryPolicy` and `rateLimiter` default to the configuration's and 80/s per number.
    public init(
        secrets: TenantSecrets, configuration: ProviderConfiguration, retryPolicy: RetryPolicy? = nil,
        circuitBreaker: CircuitBreaker = CircuitBreaker(), rateLimiter: RateLimiter = RateLimiter(rate: 80)
    ) {
        self.secrets = secrets
        self.security = MetaWebhookSecurity(
            appSecretName: "WHATSAPP_APP_SECRET", verifyTokenName: "WHATSAPP_VERIFY_TOKEN", secrets: secrets)
        self.sender = MetaGraphSender(
            http: configuration.httpClient, retry: retryPolicy ?? configuration.retryPolicy, breaker: circuitBreaker,
            limiter: rateLimiter)
        self.base = configuration.apiBase("whatsapp", default: "https://graph.facebook.com")
        self.version = configuration.value("whatsapp", "API_VERSION", default: "v21.0")
    }

    public func parse(
        body: [UInt8], headers: HTTPFields, tenantId: String, receivedAt: Date, ids: UUIDv7Generator
    ) throws(ChannelHTTPError) -> [Envelope] {
        let payload: WhatsAppWebhookPayload
        do {
            payload = try JSONDecoder().decode(WhatsAppWebhookPayload.self, from: Data(body))
        } catch {
            throw ChannelHTTPError(.badRequest, "body is not a WhatsApp webhook")
        }
        return WhatsAppEnvelopeBuilder(tenantId: tenantId, receivedAt: receivedAt).envelopes(payload)
    }

    private struct SendRequest: Encodable {
        struct Text: Encodable {
            var preview_url: Bool
            var body: String
        }
        var messaging_product = "whatsapp"
        var recipient_type = "individual"
        var to: String
        var type = "text"
        var text: Text
    }

    private struct SendResponse: Decodable {
        struct Message: Decodable { var id: String }
        var messages: [Message]?
    }

    public func deliver(_ envelope: Envelope) async throws -> DeliveryOutcome {
        guard let phoneNumberId = secrets.credential("WHATSAPP_PHONE_NUMBER_ID", tenantId: envelope.tenantId),
            let token = secrets.credential("WHATSAPP_ACCESS_TOKEN", tenantId: envelope.tenantId)
        else { return .permanentFailure(reason: "WhatsApp is not configured for tenant \(envelope.tenantId)") }
        guard let text = envelope.content?.textForUnderstanding, !text.isEmpty else {
            return .permanentFailure(reason: "WhatsApp delivery supports text content only")
        }
        guard let url = URL(string: "\(base)/\(version)/\(phoneNumberId)/messages") else {
            return .permanentFailure(reason: "invalid WhatsApp API base URL")
        }
        var first: String?
        for part in splitter.split(text) {
            let body = SendRequest(
                to: envelope.externalId, text: .init(preview_url: part.contains("https://"), body: part))
            let request = try ProviderHTTPRequest.json(url, body: body, headers: ["Authorization": "Bearer \(token)"])
            let outcome = await sender.send(request, account: "whatsapp:\(phoneNumberId)") { body in
                (try? JSONDecoder().decode(SendResponse.self, from: Data(body)))?.messages?.first?.id
            }
            guard case .sent(let id) = outcome else { return outcome }
            if first == nil { first = id }
        }
        return .sent(providerMessageId: first ?? "")
    }
}
