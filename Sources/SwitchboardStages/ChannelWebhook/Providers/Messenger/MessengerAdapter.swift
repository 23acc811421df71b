public import Foundation
public import Hummingbird
public import SwitchboardCore

/// Facebook Messenger (Messenger Platform, `object: page`).
///
/// - `GET /webhooks/messenger/{tenant}`: the subscription handshake (`MESSENGER_VERIFY_TOKEN`).
/// - `POST /webhooks/messenger/{tenant}`: webhooks signed with `X-Hub-Signature-256` (`MESSENGER_APP_SECRET`);
///   with `MESSENGER_PAGE_ID` set, entries for any other page are ignored and counted.
/// - Delivery: Send API `POST {SWITCHBOARD_MESSENGER_API_BASE}/{SWITCHBOARD_MESSENGER_API_VERSION}/me/messages`
///   with `Authorization: Bearer MESSENGER_PAGE_TOKEN`, `messaging_type: RESPONSE`; text in parts of 2000;
///   media as attachments, choices as a button template or quick replies (``MessengerOutboundMessage``).
/// - Sender actions: the same endpoint with `sender_action` `mark_seen` (read) and `typing_on` (typing), one
///   request each, in that order, tried once.
public struct MessengerAdapter: MetaWebhookAdapter, ResumableDeliveryAdapter, SenderActionAdapter {
    public var channel: Channel { .messenger }

    private let secrets: TenantSecrets
    /// Signature check and handshake.
    public let security: MetaWebhookSecurity
    private let sender: MetaGraphSender
    private let base: String
    private let version: String
    private let splitter = TextSplitter.messenger

    /// An adapter reading tenant credentials from `secrets` and endpoints and retry settings from
    /// `configuration`. `retryPolicy`, `circuitBreaker` and `rateLimiter` default to the configuration's
    /// (`SWITCHBOARD_MESSENGER_RATE_PER_SECOND`, 40/s per page).
    public init(
        secrets: TenantSecrets, configuration: ProviderConfiguration, retryPolicy: RetryPolicy? = nil,
        circuitBreaker: CircuitBreaker? = nil, rateLimiter: RateLimiter? = nil
    ) {
        self.secrets = secrets
        self.security = MetaWebhookSecurity(
            appSecretName: "MESSENGER_APP_SECRET", verifyTokenName: "MESSENGER_VERIFY_TOKEN",
            sha1Name: "MESSENGER_SIGNATURE_SHA1", secrets: secrets)
        self.sender = MetaGraphSender(
            sender: ProviderSender(
                http: configuration.httpClient, retry: retryPolicy ?? configuration.retryPolicy,
                breaker: circuitBreaker ?? configuration.circuitBreaker),
            limiter: rateLimiter ?? configuration.rateLimiter("messenger", default: 40))
        self.base = configuration.apiBase("messenger", default: "https://graph.facebook.com")
        self.version = configuration.value("messenger", "API_VERSION", default: "v21.0")
    }

    public func parse(
        body: [UInt8], headers: HTTPFields, tenantId: String, receivedAt: Date, ids: UUIDv7Generator
    ) throws(ChannelHTTPError) -> [Envelope] {
        let payload: MessengerWebhookPayload
        let raw: JSONValue
        do {
            payload = try JSONDecoder().decode(MessengerWebhookPayload.self, from: Data(body))
            raw = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw ChannelHTTPError(.badRequest, "body is not a Messenger webhook")
        }
        return MessengerEnvelopeBuilder(
            tenantId: tenantId, receivedAt: receivedAt,
            pageId: secrets.credential("MESSENGER_PAGE_ID", tenantId: tenantId)
        ).envelopes(payload, raw: raw)
    }

    private struct SendRequest: Encodable {
        struct Recipient: Encodable { var id: String }
        var recipient: Recipient
        var messaging_type = "RESPONSE"
        var message: MessengerOutboundMessage
    }

    private struct SendResponse: Decodable { var message_id: String? }

    public func deliver(_ envelope: Envelope, progress: DeliveryProgress) async throws -> DeliveryOutcome {
        guard let token = secrets.credential("MESSENGER_PAGE_TOKEN", tenantId: envelope.tenantId) else {
            return .permanentFailure(reason: "Messenger is not configured for tenant \(envelope.tenantId)")
        }
        guard let content = envelope.content else {
            return .permanentFailure(reason: "Messenger reply has no content")
        }
        if let problem = content.outboundProblem(on: .messenger) { return .permanentFailure(reason: problem) }
        let messages = MessengerOutboundMessage.messages(for: content)
        guard !messages.isEmpty else {
            return .permanentFailure(reason: "Messenger cannot send \(content.typeName) content")
        }
        guard let url = URL(string: "\(base)/\(version)/me/messages") else {
            return .permanentFailure(reason: "invalid Messenger API base URL")
        }
        var progress = progress
        return try await progress.send(messages) { message in
            let body = SendRequest(recipient: .init(id: envelope.externalId), message: message)
            let request = try ProviderHTTPRequest.json(url, body: body, headers: ["Authorization": "Bearer \(token)"])
            return await sender.send(request, account: "messenger:\(envelope.tenantId)") { body in
                (try? JSONDecoder().decode(SendResponse.self, from: Data(body)))?.message_id
            }
        }
    }

    private struct SenderActionRequest: Encodable {
        var recipient: SendRequest.Recipient
        var sender_action: String
    }

    public func sendActions(_ envelope: Envelope) async -> SenderActionOutcome {
        guard let token = secrets.credential("MESSENGER_PAGE_TOKEN", tenantId: envelope.tenantId) else {
            return .failed(reason: "Messenger is not configured for tenant \(envelope.tenantId)")
        }
        guard let url = URL(string: "\(base)/\(version)/me/messages") else {
            return .failed(reason: "invalid Messenger API base URL")
        }
        let once = MetaGraphSender(sender: sender.sender.once, limiter: sender.limiter)
        for action in envelope.senderActions ?? [] {
            let body = SenderActionRequest(
                recipient: .init(id: envelope.externalId), sender_action: action == .read ? "mark_seen" : "typing_on")
            guard
                let request = try? ProviderHTTPRequest.json(
                    url, body: body, headers: ["Authorization": "Bearer \(token)"])
            else { return .failed(reason: "the Messenger sender action could not be encoded") }
            let outcome = await once.send(request, account: "messenger:\(envelope.tenantId)") { _ in nil }
            if case .failed(let reason) = outcome.senderActionOutcome { return .failed(reason: reason) }
        }
        return .sent
    }
}
