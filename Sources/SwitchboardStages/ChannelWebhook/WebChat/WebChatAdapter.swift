import Foundation
public import Hummingbird
import Logging
public import SwitchboardCore
import SwitchboardObservability

/// The web chat channel: a JSON API the business's site calls, answering with the reply when it comes
/// quickly, and a history endpoint. Delivery is local: a reply resolves the request waiting for it.
///
/// - `POST /api/v1/messages`: 200 with the reply, 202 when none came within the reply wait, 400, 401,
///   413, 503 when the broker did not take the message.
/// - `GET /api/v1/user/{user_id}/messages/{conversation_id}`: the user's messages, oldest first; 404 when
///   the conversation has none of theirs.
/// - `GET /api/v1/user/{user_id}/messages/{conversation_id}/stream`: its replies as Server-Sent Events
///   (``WebChatStream``).
/// - `POST /webhooks/rest/webhook`: the same for clients of Rasa's REST channel (`{"sender", "message"}`,
///   answered with the list of replies), with the API key as for the others or as `?api_key=`.
/// - `GET /webchat`: a chat page for trying it in a browser, when configured (``WebChatDemoPage``).
public struct WebChatAdapter: ChannelAdapter {
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

    public func addRoutes(to router: Router<BasicRequestContext>, context: ChannelWebhookContext) {
        let api = WebChatAPI(context: context, waiters: waiters, published: published)
        router.post("/api/v1/messages") { request, _ in
            try await api.postMessage(request)
        }
        router.post("/webhooks/rest/webhook") { request, _ in
            try await api.postRasa(request)
        }
        router.get("/api/v1/user/{user_id}/messages/{conversation_id}") { request, requestContext in
            try await api.history(
                request, userId: try requestContext.parameters.require("user_id"),
                conversationId: try requestContext.parameters.require("conversation_id"))
        }
        if context.configuration.demoPage {
            router.get("/webchat") { _, _ in WebChatDemoPage.response() }
        }
        let stream = WebChatStream(context: context, streams: streams)
        router.get("/api/v1/user/{user_id}/messages/{conversation_id}/stream") { request, requestContext in
            try await stream.response(
                request, userId: try requestContext.parameters.require("user_id"),
                conversationId: try requestContext.parameters.require("conversation_id"))
        }
    }

    public func deliver(_ envelope: Envelope) async throws -> DeliveryOutcome {
        waiters.deliver(envelope)
        streams.publish(envelope)
        return .deliveredLocally
    }
}

/// The handlers behind ``WebChatAdapter``'s routes.
struct WebChatAPI: Sendable {
    let context: ChannelWebhookContext
    let waiters: ReplyWaiters
    let published: BoundedCache<UUID, Bool>
    var authenticator: WebChatAuthenticator { WebChatAuthenticator(secrets: context.secrets) }

    func postMessage(_ request: Request) async throws -> Response {
        let (envelope, reply) = try await publishAndWait(request, fields: .native)
        return try posted(envelope, reply: reply)
    }

    /// Rasa's REST channel: the list of replies, `[{"recipient_id", "text"}]`, empty when none came within
    /// the reply wait (it follows on the stream and in the history; the conversation id is the sender).
    func postRasa(_ request: Request) async throws -> Response {
        let (envelope, reply) = try await publishAndWait(request, fields: .rasa)
        let replies = reply.map { [WebChatResponses.RasaReply(recipient_id: envelope.externalId, reply: $0)] } ?? []
        return try ChannelJSON.response(.ok, replies)
    }

    /// Publishes the request's message (once for a repeated client message id) and waits for its reply.
    private func publishAndWait(
        _ request: Request, fields: WebChatMessageRequest.Fields
    ) async throws -> (Envelope, Envelope?) {
        let tenant = try authenticator.tenant(of: request, allowQueryKey: fields == .rasa)
        let body = try await request.channelBody(upTo: context.configuration.maxBodyBytes)
        let message: WebChatMessageRequest
        do {
            message = try WebChatMessageRequest(json: Data(buffer: body), fields: fields)
        } catch {
            throw ChannelHTTPError(.badRequest, error.reason)
        }
        let traceId =
            WebChatEnvelopeBuilder.traceId(
                xTraceId: request.headers.first(named: "x-trace-id"),
                traceparent: request.headers.first(named: "traceparent"))
            ?? context.ids.next().uuidString.lowercased()
        let envelope = WebChatEnvelopeBuilder().envelope(
            for: message, tenantId: tenant, traceId: traceId, newId: context.ids.next(), receivedAt: context.now())
        var logger = context.logger
        logger[metadataKey: LogKeys.traceId] = "\(traceId)"
        logger[metadataKey: LogKeys.tenant] = "\(tenant)"
        logger[metadataKey: LogKeys.envelopeId] = "\(envelope.id.uuidString.lowercased())"
        logger[metadataKey: LogKeys.channel] = "webchat"

        // A repeated request whose reply is already stored is answered from the store, without publishing. A
        // repeat that reaches another instance is published again: the stages recognise it, and its reply
        // comes from the store after the wait.
        if message.clientMessageId != nil, published[envelope.id] != nil,
            let stored = try await storedReply(to: envelope.id)
        {
            logger.debug("Repeated web chat message answered from the store")
            return (envelope, stored)
        }
        let ticket = waiters.register(envelope.id)
        do {
            try await context.publisher.publish([envelope])
        } catch {
            waiters.cancel(ticket)
            logger.warning("Web chat message not published", metadata: [LogKeys.error: "\(error)"])
            throw error
        }
        if message.clientMessageId != nil { published.set(true, for: envelope.id) }
        logger.debug("Web chat message published")
        if let reply = await waiters.wait(ticket, timeout: context.configuration.replyWait) {
            return (envelope, reply)
        }
        // No wait asked for (SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS=0): answer at once, without a database read per
        // message; the visitor's stream or history brings the reply.
        if context.configuration.replyWait == .zero { return (envelope, nil) }
        // Another instance may have delivered it (the outbound consumer is not necessarily this process).
        return (envelope, try await storedReply(to: envelope.id))
    }

    func history(_ request: Request, userId: String, conversationId: String) async throws -> Response {
        let tenant = try authenticator.tenant(of: request)
        let stored = try await context.database.messages.conversation(
            tenantId: tenant, conversationId: conversationId)
        let mine = stored.filter { $0.external_id == userId && $0.channel == Channel.webchat.rawValue }
        guard !mine.isEmpty else { throw ChannelHTTPError(.notFound, "conversation not found") }
        let messages = mine.map { message in
            let (sender, agentId) = WebChatResponses.sender(of: message.envelope)
            return WebChatResponses.Message(
                id: message._id, direction: message.direction, sender: sender, agent_id: agentId,
                text: WebChatResponses.text(of: message.envelope), sequence: message.sequence,
                created_at: SwitchboardJSON.formatDate(message.created_at))
        }
        return try ChannelJSON.response(
            .ok, WebChatResponses.History(conversation_id: conversationId, messages: messages))
    }

    private func storedReply(to id: UUID) async throws -> Envelope? {
        try await context.database.messages.reply(to: id)?.envelope
    }

    private func posted(_ envelope: Envelope, reply: Envelope?) throws -> Response {
        let body = WebChatResponses.Posted(
            conversation_id: envelope.conversationId ?? "", message_id: envelope.id.uuidString.lowercased(),
            reply: reply.map(WebChatResponses.Reply.init))
        return try ChannelJSON.response(reply == nil ? .accepted : .ok, body)
    }
}
