import Foundation
import Hummingbird
import Logging
import SwitchboardCore
import SwitchboardObservability

/// The handlers behind ``WebChatAdapter``'s routes.
struct WebChatAPI: Sendable {
    let context: ChannelWebhookContext
    let waiters: ReplyWaiters
    let published: BoundedCache<UUID, Bool>
    let guardrails: WebChatGuardrails
    var authenticator: WebChatAuthenticator { WebChatAuthenticator(secrets: context.secrets) }

    /// Most messages one history page holds; the default page is 50.
    static let maxPage = 200

    /// `body`, with a refusal (400, 401, 403, 413, 503) logged at warning with the channel, tenant and reason,
    /// as every webhook's (``ChannelWebhookContext/logRefusal(_:channel:tenantId:)``).
    func loggingRefusals(
        _ request: Request, allowQueryKey: Bool = false, _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch let refusal as ChannelHTTPError where [400, 401, 403, 413, 503].contains(refusal.status.code) {
            let tenant = (try? authenticator.tenant(of: request, allowQueryKey: allowQueryKey)) ?? "unknown"
            context.logRefusal(refusal, channel: .webchat, tenantId: tenant)
            throw refusal
        }
    }

    func postMessage(_ request: Request) async throws -> Response {
        let (envelope, reply) = try await publishAndWait(request, fields: .native)
        let token = try await context.visitorTokens.issue(
            tenantId: envelope.tenantId, userId: envelope.externalId, conversationId: envelope.conversationId ?? "",
            now: context.now())
        return try posted(envelope, reply: reply, token: token)
    }

    /// Rasa's REST channel: the list of replies, `[{"recipient_id", "text"}]`, empty when none came within
    /// the reply wait (it follows on the stream and in the history; the conversation id is the sender).
    /// Only for tenants that open it (``WebChatSettings/RasaRestMode/open``): its clients cannot carry a
    /// visitor token.
    func postRasa(_ request: Request) async throws -> Response {
        let tenant = try authenticator.tenant(of: request, allowQueryKey: true)
        guard context.tenants.tenant(id: tenant)?.webchat.rasaRest == .open else {
            throw ChannelHTTPError(.forbidden, "the Rasa REST channel is off for this tenant (webchat.rasa_rest)")
        }
        let (envelope, reply) = try await publishAndWait(request, fields: .rasa)
        let replies = reply.map { [WebChatResponses.RasaReply(recipient_id: envelope.externalId, reply: $0)] } ?? []
        return try ChannelJSON.response(.ok, replies)
    }

    /// Requires the conversation's visitor token: `X-Visitor-Token`, or `?visitor_token=` where a browser
    /// cannot set headers (`EventSource`). 401 when missing, invalid or expired; 403 for another conversation.
    func requireToken(
        _ request: Request, tenant: String, userId: String, conversationId: String, allowQuery: Bool = false
    ) async throws {
        guard let token = Self.presentedToken(request, allowQuery: allowQuery) else {
            throw ChannelHTTPError(.unauthorized, "this conversation needs its visitor token (X-Visitor-Token)")
        }
        try await verify(token, tenant: tenant, userId: userId, conversationId: conversationId)
    }

    private func verify(_ token: String, tenant: String, userId: String, conversationId: String) async throws {
        do {
            try await context.visitorTokens.verify(
                token, tenantId: tenant, userId: userId, conversationId: conversationId, now: context.now())
        } catch {
            switch error {
            case .invalid: throw ChannelHTTPError(.unauthorized, "invalid visitor token")
            case .expired: throw ChannelHTTPError(.unauthorized, "the visitor token has expired")
            case .otherConversation:
                throw ChannelHTTPError(.forbidden, "the visitor token is for another conversation")
            }
        }
    }

    static func presentedToken(_ request: Request, allowQuery: Bool) -> String? {
        let token =
            request.headers.first(named: "x-visitor-token")
            ?? (allowQuery ? request.uri.queryParameters.get("visitor_token") : nil)
        return token.flatMap { $0.isEmpty ? nil : $0 }
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
        let (envelope, unsupported) = try WebChatEnvelopeBuilder.checked(
            WebChatEnvelopeBuilder().envelope(
                for: message, tenantId: tenant, traceId: traceId, newId: context.ids.next(), receivedAt: context.now()))
        var logger = context.logger
        logger[metadataKey: LogKeys.traceId] = "\(traceId)"
        logger[metadataKey: LogKeys.tenant] = "\(tenant)"
        logger[metadataKey: LogKeys.envelopeId] = "\(envelope.id.uuidString.lowercased())"
        logger[metadataKey: LogKeys.channel] = "webchat"
        if let unsupported {
            logger.warning("Inbound value out of range: kept as unsupported", metadata: ["reason": "\(unsupported)"])
        }

        // A conversation the client named: its token, or, without one, a conversation nobody wrote in yet.
        // The Rasa channel's conversation is the sender's own and carries no token (its mode is opt-in).
        if fields == .native, let conversationId = message.conversationId {
            if let token = Self.presentedToken(request, allowQuery: false) {
                try await verify(token, tenant: tenant, userId: message.userId, conversationId: conversationId)
            } else {
                let taken = try await guardrails.database.run(tenant) {
                    try await context.database.messages.conversationExists(
                        tenantId: tenant, conversationId: conversationId, except: envelope.id)
                }
                if taken {
                    logger.warning("Web chat message for an existing conversation without its visitor token")
                    throw ChannelHTTPError(
                        .forbidden, "this conversation exists: send its visitor token (X-Visitor-Token)")
                }
            }
        }

        // A repeated request whose reply is already stored is answered from the store, without publishing. A
        // repeat that reaches another instance is published again: the stages recognise it, and its reply
        // comes from the store after the wait.
        if message.clientMessageId != nil, published[envelope.id] != nil,
            let stored = try await storedReply(to: envelope)
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
        return (envelope, try await storedReply(to: envelope))
    }

    /// `GET …/messages/{conversation_id}?limit=50&before=<message id>`: the visitor's newest `limit` messages
    /// (at most 200), newest last, older than `before` when given; `older` says whether more exist.
    func history(_ request: Request, userId: String, conversationId: String) async throws -> Response {
        let tenant = try authenticator.tenant(of: request)
        try await requireToken(request, tenant: tenant, userId: userId, conversationId: conversationId)
        let query = request.uri.queryParameters
        let limit = try query.get("limit").map { text throws(ChannelHTTPError) in
            guard let value = Int(text), (1...Self.maxPage).contains(value) else {
                throw ChannelHTTPError(.badRequest, "'limit' must be a whole number from 1 to \(Self.maxPage)")
            }
            return value
        }
        let page = try await guardrails.database.run(tenant) {
            var cursor: MessageStore.StoredMessage?
            if let before = query.get("before") {
                guard let id = UUID(uuidString: before),
                    let message = try await context.database.messages.message(id: id),
                    message.tenant_id == tenant, message.conversation_id == conversationId,
                    message.external_id == userId
                else { throw ChannelHTTPError(.badRequest, "'before' is not a message of this conversation") }
                cursor = message
            }
            return try await context.database.messages.visitorPage(
                tenantId: tenant, conversationId: conversationId, userId: userId,
                channel: Channel.webchat.rawValue, before: cursor, limit: limit ?? 50)
        }
        guard !page.messages.isEmpty || query.get("before") != nil else {
            throw ChannelHTTPError(.notFound, "conversation not found")
        }
        let messages = page.messages.map { message in
            let (sender, agentId) = WebChatResponses.sender(of: message.envelope)
            return WebChatResponses.Message(
                id: message._id, direction: message.direction, sender: sender, agent_id: agentId,
                text: WebChatResponses.text(of: message.envelope), sequence: message.sequence,
                created_at: SwitchboardJSON.formatDate(message.created_at),
                content: WebChatResponses.richContent(of: message.envelope))
        }
        return try ChannelJSON.response(
            .ok,
            WebChatResponses.History(
                conversation_id: conversationId, messages: messages,
                older: page.hasOlder ? messages.first?.id : nil))
    }

    private func storedReply(to envelope: Envelope) async throws -> Envelope? {
        try await guardrails.database.run(envelope.tenantId) {
            try await context.database.messages.reply(to: envelope.id)?.envelope
        }
    }

    private func posted(_ envelope: Envelope, reply: Envelope?, token: String) throws -> Response {
        let body = WebChatResponses.Posted(
            conversation_id: envelope.conversationId ?? "", message_id: envelope.id.uuidString.lowercased(),
            visitor_token: token, reply: reply.map(WebChatResponses.Reply.init))
        return try ChannelJSON.response(reply == nil ? .accepted : .ok, body)
    }
}
