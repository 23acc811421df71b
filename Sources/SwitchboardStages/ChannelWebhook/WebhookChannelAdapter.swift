public import Foundation
public import Hummingbird
import Logging
public import SwitchboardCore
import SwitchboardObservability

/// A provider channel whose messages arrive as signed webhooks (WhatsApp, Telegram, Twilio, Messenger):
/// implement ``verify(headers:body:tenantId:)``, ``parse(body:headers:tenantId:receivedAt:ids:)`` and
/// ``ChannelAdapter/deliver(_:)``, and `POST /webhooks/{channel}/{tenant}` is served for you.
///
/// The route reads the raw body (up to ``ChannelWebhookConfiguration/webhookMaxBodyBytes``, 413 above it), verifies the signature over those exact bytes
/// (401 and a `switchboard_webhook_signature_failures_total` count when it fails), parses it into any
/// number of envelopes (messages, edits, reactions, `delivery_status` records), publishes them all and
/// answers 200 only once the broker has them (503 otherwise, so the provider retries). Providers with a
/// subscription handshake (WhatsApp's `hub.challenge`) add that route in their own ``addExtraRoutes(to:context:)``.
public protocol WebhookChannelAdapter: ChannelAdapter {
    /// Throws ``ChannelHTTPError`` (401) unless the request is authentic for `tenantId`.
    func verify(headers: HTTPFields, body: [UInt8], tenantId: String) throws(ChannelHTTPError)

    /// The same, given the raw query string of the URL called (nil when not known). Providers whose
    /// signature covers the URL (Twilio) implement it; the default ignores the query.
    func verify(headers: HTTPFields, body: [UInt8], tenantId: String, query: String?) throws(ChannelHTTPError)

    /// The envelopes in one webhook body; empty for notifications Switchboard ignores. Throws
    /// ``ChannelHTTPError`` (400) for a body that cannot be understood.
    func parse(
        body: [UInt8], headers: HTTPFields, tenantId: String, receivedAt: Date, ids: UUIDv7Generator
    ) throws(ChannelHTTPError) -> [Envelope]

    /// Routes besides the webhook POST (verification handshakes). Default none.
    func addExtraRoutes(to router: Router<ChannelRequestContext>, context: ChannelWebhookContext)
}

extension WebhookChannelAdapter {
    public func addExtraRoutes(to router: Router<ChannelRequestContext>, context: ChannelWebhookContext) {}

    public func verify(
        headers: HTTPFields, body: [UInt8], tenantId: String, query: String?
    ) throws(ChannelHTTPError) {
        try verify(headers: headers, body: body, tenantId: tenantId)
    }

    public func addRoutes(to router: Router<ChannelRequestContext>, context: ChannelWebhookContext) {
        addExtraRoutes(to: router, context: context)
        router.post("/webhooks/\(channel.rawValue)/{tenant}") { request, requestContext in
            try await receive(request, tenantId: try requestContext.parameters.require("tenant"), context: context)
        }
    }

    /// Verifies, parses, checks (``InboundValueCheck``) and publishes one webhook; 200 `{"received": n}`
    /// once the broker has them. Every refusal is logged at warning with the channel, tenant and reason.
    public func receive(
        _ request: Request, tenantId: String, context: ChannelWebhookContext
    ) async throws
        -> Response
    {
        do {
            return try await accept(request, tenantId: tenantId, context: context)
        } catch let refusal as ChannelHTTPError {
            context.logRefusal(refusal, channel: channel, tenantId: tenantId)
            throw refusal
        }
    }

    private func accept(
        _ request: Request, tenantId: String, context: ChannelWebhookContext
    ) async throws
        -> Response
    {
        guard context.tenants.tenant(id: tenantId) != nil else { throw ChannelHTTPError(.notFound, "unknown tenant") }
        let body = Array(buffer: try await request.channelBody(upTo: context.configuration.webhookMaxBodyBytes))
        do {
            try verify(headers: request.headers, body: body, tenantId: tenantId, query: request.uri.query)
        } catch {
            context.outboundMetrics.recordSignatureFailure(channel: channel.rawValue)
            throw error
        }
        let parsed = try parse(
            body: body, headers: request.headers, tenantId: tenantId, receivedAt: context.now(), ids: context.ids)
        let envelopes = context.checked(parsed, channel: channel, tenantId: tenantId)
        try await context.publisher.publish(envelopes)
        context.logger.debug(
            "Webhook published",
            metadata: [
                LogKeys.channel: "\(channel.rawValue)", LogKeys.tenant: "\(tenantId)", "count": "\(envelopes.count)",
            ])
        return try ChannelJSON.response(.ok, ["received": envelopes.count])
    }
}
