public import Foundation
public import Hummingbird
public import SwitchboardCore

/// Twilio Programmable Messaging (SMS, and WhatsApp through Twilio): messages and status callbacks arrive
/// form-encoded on `POST /webhooks/sms/{tenant}`; replies go out through the Messages resource.
///
/// Per tenant: `SWITCHBOARD_TENANT_<ID>_TWILIO_ACCOUNT_SID`, `…_TWILIO_AUTH_TOKEN`, `…_TWILIO_FROM` (the
/// sending number) and optionally `…_TWILIO_PUBLIC_URL`, the exact URL configured at Twilio (else
/// `SWITCHBOARD_TWILIO_PUBLIC_BASE_URL` + the route's path).
public struct TwilioAdapter: WebhookChannelAdapter, ResumableDeliveryAdapter {
    /// The header Twilio signs requests with.
    public static let signatureHeader = "x-twilio-signature"

    /// `.sms`, or `.whatsapp` where Twilio rather than Meta carries a deployment's WhatsApp.
    public let channel: Channel
    let secrets: TenantSecrets
    /// The public base URL Twilio calls, in front of any proxy (signatures cover the URL Twilio used).
    let publicBaseURL: String?
    let outbound: TwilioOutbound

    /// An adapter reading tenant secrets from `secrets` and its settings from `providers`:
    /// `SWITCHBOARD_TWILIO_API_BASE` (default `https://api.twilio.com`), `SWITCHBOARD_TWILIO_PUBLIC_BASE_URL`
    /// (scheme, host and port Twilio calls; default none, then each tenant needs `TWILIO_PUBLIC_URL`).
    /// Sends per sending number are paced by `rateLimiter` (default `SWITCHBOARD_TWILIO_RATE_PER_SECOND`, 10/s)
    /// and stopped by `circuitBreaker` (default from `providers`) while its calls keep failing.
    public init(
        channel: Channel = .sms, secrets: TenantSecrets, providers: ProviderConfiguration = ProviderConfiguration(),
        retry: RetryPolicy? = nil, circuitBreaker: CircuitBreaker? = nil, rateLimiter: RateLimiter? = nil
    ) {
        self.channel = channel
        self.secrets = secrets
        var base = providers.value("twilio", "PUBLIC_BASE_URL", default: "")
        while base.hasSuffix("/") { base.removeLast() }
        self.publicBaseURL = base.isEmpty ? nil : base
        self.outbound = TwilioOutbound(
            secrets: secrets, providers: providers, retry: retry ?? providers.retryPolicy,
            breaker: circuitBreaker ?? providers.circuitBreaker,
            limiter: rateLimiter ?? providers.rateLimiter("twilio", default: 10))
    }

    /// The URL Twilio signed for `tenantId`, or nil when none is configured.
    public func publicURL(tenantId: String) -> String? {
        if let url = secrets.credential("TWILIO_PUBLIC_URL", tenantId: tenantId) { return url }
        return publicBaseURL.map { "\($0)/webhooks/\(channel.rawValue)/\(tenantId)" }
    }

    /// The URL Twilio signed for a request with raw query string `query`: the configured public URL with
    /// the request's query in place of its own (the configured URL as it is when `query` is nil).
    public func signedURL(tenantId: String, query: String?) -> String? {
        guard let url = publicURL(tenantId: tenantId) else { return nil }
        guard let query else { return url }
        let base = url.prefix { $0 != "?" && $0 != "#" }
        return query.isEmpty ? String(base) : String(base) + "?" + query
    }

    public func verify(headers: HTTPFields, body: [UInt8], tenantId: String) throws(ChannelHTTPError) {
        try verify(headers: headers, body: body, tenantId: tenantId, query: nil)
    }

    /// Checks `X-Twilio-Signature` over the public URL with the request's query string and the form
    /// parameters, or, when the query carries `bodySHA256`, over the URL alone with the body's hash.
    public func verify(
        headers: HTTPFields, body: [UInt8], tenantId: String, query: String?
    ) throws(ChannelHTTPError) {
        guard let token = secrets.credential("TWILIO_AUTH_TOKEN", tenantId: tenantId),
            let url = signedURL(tenantId: tenantId, query: query)
        else {
            throw ChannelHTTPError(.unauthorized, "twilio is not configured for this tenant")
        }
        guard let header = headers.first(where: { $0.name.canonicalName == Self.signatureHeader })?.value else {
            throw ChannelHTTPError(.unauthorized, "missing X-Twilio-Signature")
        }
        guard TwilioSignature.isValid(header: header, authToken: token, url: url, body: body) else {
            throw ChannelHTTPError(.unauthorized, "invalid X-Twilio-Signature")
        }
    }

    public func parse(
        body: [UInt8], headers: HTTPFields, tenantId: String, receivedAt: Date, ids: UUIDv7Generator
    ) throws(ChannelHTTPError) -> [Envelope] {
        // A JSON-body webhook (signed with `bodySHA256`) is no Messaging callback: acknowledged, ignored.
        if headers[.contentType]?.lowercased().hasPrefix("application/json") == true { return [] }
        return ProviderEnvelopeID.sharingTraceId(
            try TwilioEnvelopeBuilder().envelopes(
                form: TwilioForm(body: body), tenantId: tenantId, traceId: "", receivedAt: receivedAt))
    }

    public func deliver(_ envelope: Envelope, progress: DeliveryProgress) async throws -> DeliveryOutcome {
        try await outbound.deliver(envelope, progress: progress)
    }
}
