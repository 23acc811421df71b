public import Hummingbird

/// A Meta channel (WhatsApp Cloud API, Messenger): the same `hub.challenge` handshake on
/// `GET /webhooks/{channel}/{tenant}` and the same `X-Hub-Signature-256` check, each with its own credentials.
public protocol MetaWebhookAdapter: WebhookChannelAdapter {
    /// The channel's signature check and handshake.
    var security: MetaWebhookSecurity { get }
}

extension MetaWebhookAdapter {
    public func addExtraRoutes(to router: Router<ChannelRequestContext>, context: ChannelWebhookContext) {
        router.get("/webhooks/\(channel.rawValue)/{tenant}") { request, requestContext in
            let tenantId = try requestContext.parameters.require("tenant")
            do {
                return try security.handshake(request, tenantId: tenantId, context: context)
            } catch let refusal as ChannelHTTPError {
                context.logRefusal(refusal, channel: channel, tenantId: tenantId)
                throw refusal
            }
        }
    }

    public func verify(headers: HTTPFields, body: [UInt8], tenantId: String) throws(ChannelHTTPError) {
        try security.verify(headers: headers, body: body, tenantId: tenantId)
    }
}
