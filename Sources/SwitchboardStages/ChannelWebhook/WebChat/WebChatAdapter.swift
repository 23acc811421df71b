import Foundation
public import Hummingbird
import Logging
public import SwitchboardCore
import SwitchboardObservability

/// The web chat channel: a JSON API the business's site calls, answering with the reply when it comes
/// quickly, and a history endpoint. Delivery is local: a reply resolves the request waiting for it.
///
/// - `POST /api/v1/messages`: 200 with the reply, 202 when none came within the reply wait, 400, 401,
///   403, 413, 429, 503 when the broker did not take the message. Every answer carries a `visitor_token`.
/// - `GET /api/v1/user/{user_id}/messages/{conversation_id}?limit=&before=`: a page of the user's messages,
///   newest last; 404 when the conversation has none of theirs.
/// - `GET /api/v1/user/{user_id}/messages/{conversation_id}/stream`: its replies as Server-Sent Events
///   (``WebChatStream``).
/// - `POST /webhooks/rest/webhook`: the same for clients of Rasa's REST channel (`{"sender", "message"}`,
///   answered with the list of replies), with the API key as for the others or as `?api_key=`; only for
///   tenants whose `webchat.rasa_rest` is `open` (``WebChatSettings``).
///
/// The tenant's API key is public (it sits in the business's page), so it is not enough to read or continue
/// a conversation: that takes the conversation's visitor token (``VisitorTokens``), sent as
/// `X-Visitor-Token` (or `?visitor_token=` on streams). A message that names a conversation without a token
/// is taken only while that conversation is new. Requests are limited per tenant and per client address
/// (429 with `Retry-After`), and database reads per tenant (503 with `Retry-After`).
/// - `GET /webchat`: a chat page for trying it in a browser, when configured (``WebChatDemoPage``).
public struct WebChatAdapter: ChannelAdapter, SenderActionAdapter {
    public var channel: Channel { .webchat }
    public var deliversLocally: Bool { true }

    /// Requests waiting for replies.
    public let waiters: ReplyWaiters
    /// Browsers following conversations.
    public let streams: ReplyStreams
    /// Messages (by envelope id) this process published recently: a request with a client message id is
    /// looked up in the store only when it repeats one of them, not on every message.
    let published = BoundedCache<UUID, Bool>(capacity: 100_000)

    public init(waiters: ReplyWaiters = ReplyWaiters(), streams: ReplyStreams = ReplyStreams()) {
        self.waiters = waiters
        self.streams = streams
    }

    public func addRoutes(to router: Router<ChannelRequestContext>, context: ChannelWebhookContext) {
        let configuration = context.configuration
        let api = WebChatAPI(
            context: context, waiters: waiters, published: published,
            guardrails: WebChatGuardrails(configuration: configuration))
        router.post("/api/v1/messages") { request, requestContext in
            try await api.loggingRefusals(request) {
                try api.guardrails.admit(request, requestContext, tenant: api.authenticator.tenant(of: request))
                return try await api.postMessage(request)
            }
        }
        router.post("/webhooks/rest/webhook") { request, requestContext in
            try await api.loggingRefusals(request, allowQueryKey: true) {
                try api.guardrails.admit(
                    request, requestContext, tenant: api.authenticator.tenant(of: request, allowQueryKey: true))
                return try await api.postRasa(request)
            }
        }
        router.get("/api/v1/user/{user_id}/messages/{conversation_id}") { request, requestContext in
            try api.guardrails.admit(request, requestContext, tenant: api.authenticator.tenant(of: request))
            return try await api.history(
                request, userId: try requestContext.parameters.require("user_id"),
                conversationId: try requestContext.parameters.require("conversation_id"))
        }
        if configuration.demoPage {
            router.get("/webchat") { _, _ in WebChatDemoPage.response() }
        }
        let stream = WebChatStream(context: context, streams: streams)
        router.get("/api/v1/user/{user_id}/messages/{conversation_id}/stream") { request, requestContext in
            let tenant = try api.authenticator.tenant(of: request, allowQueryKey: true)
            try api.guardrails.admit(request, requestContext, tenant: tenant)
            let userId = try requestContext.parameters.require("user_id")
            let conversationId = try requestContext.parameters.require("conversation_id")
            try await api.requireToken(
                request, tenant: tenant, userId: userId, conversationId: conversationId, allowQuery: true)
            return try await stream.response(request, userId: userId, conversationId: conversationId)
        }
    }

    public func deliver(_ envelope: Envelope) async throws -> DeliveryOutcome {
        waiters.deliver(envelope)
        streams.publish(envelope)
        return .deliveredLocally
    }

    /// A typing indicator becomes a `typing` event on the conversation's live streams in this process (a
    /// visitor without an open stream sees nothing); web chat has no read receipts.
    public func sendActions(_ envelope: Envelope) async -> SenderActionOutcome {
        guard envelope.senderActions?.contains(.typing) == true else { return .unsupported }
        streams.publish(typing: envelope)
        return .sent
    }
}
