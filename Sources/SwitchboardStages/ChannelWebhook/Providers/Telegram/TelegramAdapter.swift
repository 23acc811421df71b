public import Foundation
public import Hummingbird
public import SwitchboardCore

/// Telegram Bot API: updates arrive on `POST /webhooks/telegram/{tenant}` (set with `setWebhook` and a
/// `secret_token`), replies go out with `sendMessage`.
///
/// Per tenant: `SWITCHBOARD_TENANT_<ID>_TELEGRAM_SECRET_TOKEN` (the webhook's secret token) and
/// `SWITCHBOARD_TENANT_<ID>_TELEGRAM_BOT_TOKEN` (for sending). Typing indicators go out with
/// `sendChatAction` (`action=typing`); Telegram has no read receipts.
public struct TelegramAdapter: WebhookChannelAdapter, ResumableDeliveryAdapter, SenderActionAdapter {
    /// The header Telegram puts the webhook's secret token in.
    public static let secretTokenHeader = "x-telegram-bot-api-secret-token"

    public let channel = Channel.telegram
    let secrets: TenantSecrets
    let outbound: TelegramOutbound

    /// An adapter reading tenant secrets from `secrets` and its settings from `providers`
    /// (`SWITCHBOARD_TELEGRAM_API_BASE`, default `https://api.telegram.org`; timeouts and retries).
    ///
    /// Sends wait for Telegram's limits: `perBot` (default `SWITCHBOARD_TELEGRAM_RATE_PER_SECOND`, 30/s per
    /// tenant's bot) and `perChat` (`SWITCHBOARD_TELEGRAM_CHAT_RATE_PER_SECOND`, 1/s). `circuitBreaker`
    /// (default from `providers`) stops sending for a bot whose calls keep failing.
    public init(
        secrets: TenantSecrets, providers: ProviderConfiguration = ProviderConfiguration(),
        retry: RetryPolicy? = nil, circuitBreaker: CircuitBreaker? = nil, perBot: RateLimiter? = nil,
        perChat: RateLimiter? = nil
    ) {
        self.secrets = secrets
        self.outbound = TelegramOutbound(
            secrets: secrets, apiBase: providers.apiBase("telegram", default: "https://api.telegram.org"),
            sender: ProviderSender(
                http: providers.httpClient, retry: retry ?? providers.retryPolicy,
                breaker: circuitBreaker ?? providers.circuitBreaker),
            perBot: perBot ?? providers.rateLimiter("telegram", default: 30),
            perChat: perChat ?? providers.rateLimiter("telegram", "CHAT_RATE_PER_SECOND", default: 1))
    }

    /// Accepts only requests whose secret token header equals the tenant's, compared in constant time.
    /// Answers 403 like Telegram's reference servers do; a tenant without a token accepts nothing.
    public func verify(headers: HTTPFields, body: [UInt8], tenantId: String) throws(ChannelHTTPError) {
        guard let expected = secrets.credential("TELEGRAM_SECRET_TOKEN", tenantId: tenantId) else {
            throw ChannelHTTPError(.forbidden, "telegram is not configured for this tenant")
        }
        guard let given = headers.first(where: { $0.name.canonicalName == Self.secretTokenHeader })?.value else {
            throw ChannelHTTPError(.forbidden, "request did not include the secret token")
        }
        guard ConstantTime.equals(Array(given.utf8), Array(expected.utf8)) else {
            throw ChannelHTTPError(.forbidden, "request had the wrong secret token")
        }
    }

    public func parse(
        body: [UInt8], headers: HTTPFields, tenantId: String, receivedAt: Date, ids: UUIDv7Generator
    ) throws(ChannelHTTPError) -> [Envelope] {
        ProviderEnvelopeID.sharingTraceId(
            try TelegramEnvelopeBuilder().envelopes(
                body: body, tenantId: tenantId, traceId: "", receivedAt: receivedAt))
    }

    public func deliver(_ envelope: Envelope, progress: DeliveryProgress) async throws -> DeliveryOutcome {
        try await outbound.deliver(envelope, progress: progress)
    }

    public func sendActions(_ envelope: Envelope) async -> SenderActionOutcome {
        await outbound.sendActions(envelope)
    }
}
