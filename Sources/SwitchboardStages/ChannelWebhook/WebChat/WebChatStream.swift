import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardObservability

/// `GET /api/v1/user/{user_id}/messages/{conversation_id}/stream`: the conversation's replies (bot, agent,
/// system) as Server-Sent Events, so a chat widget needs no polling.
///
/// Each reply is one `event: message` whose `id` is the message id and whose `data` is the message as the
/// history endpoint returns it. While a language model writes a reply, `event: reply_delta` events (without
/// an `id`, so they do not move the resume point) carry its text so far; the reply's `message` event replaces
/// the preview, and previews of a reply already sent are dropped. A browser's `EventSource` sends the last id
/// back as `Last-Event-ID` when it reconnects, and the stream resumes after that message. Replies this
/// process delivers arrive at once; every ``ChannelWebhookConfiguration/streamPoll`` the store is read as
/// well, for replies another instance delivered. A comment line every ``ChannelWebhookConfiguration/streamHeartbeat`` keeps proxies
/// from closing an idle stream and finds browsers that went away. The key may be given as `?api_key=`,
/// since `EventSource` cannot set headers.
struct WebChatStream: Sendable {
    let context: ChannelWebhookContext
    let streams: ReplyStreams

    func response(_ request: Request, userId: String, conversationId: String) async throws -> Response {
        let tenant = try WebChatAuthenticator(secrets: context.secrets).tenant(of: request, allowQueryKey: true)
        let key = ReplyStreams.Key(tenantId: tenant, conversationId: conversationId, userId: userId)
        let lastEventId =
            request.headers.first(named: "last-event-id") ?? request.uri.queryParameters.get("last_event_id")
        let cursor = try await startingCursor(key, lastEventId: lastEventId)
        let (events, continuation) = AsyncStream.makeStream(
            of: WebChatStreamEvent.self, bufferingPolicy: .bufferingNewest(256))
        let ticket: ReplyStreams.Ticket
        do {
            ticket = try streams.admit(key, with: continuation)
        } catch {
            let which =
                switch error {
                case .conversationFull: "this conversation"
                case .tenantFull: "this tenant's conversations"
                case .processFull: "conversations on this server"
                }
            throw ChannelHTTPError(.tooManyRequests, "too many streams follow \(which)", retryAfter: 5)
        }
        var logger = context.logger
        logger[metadataKey: LogKeys.tenant] = "\(tenant)"
        logger[metadataKey: LogKeys.channel] = "webchat"
        logger.debug("Web chat stream opened")
        let run = StreamRun(
            key: key, context: context, cursor: cursor, events: events, continuation: continuation,
            logger: logger)
        let streams = self.streams
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                .init("X-Accel-Buffering")!: "no",
            ],
            body: ResponseBody { writer in
                defer { streams.unfollow(ticket) }
                try await run.run(&writer)
            })
    }

    /// From now (less the allowed clock skew), or after the message `lastEventId` names when it is one of
    /// this conversation's.
    private func startingCursor(_ key: ReplyStreams.Key, lastEventId: String?) async throws -> WebChatStreamCursor {
        if let lastEventId, let id = UUID(uuidString: lastEventId),
            let message = try await context.database.messages.message(id: id),
            message.tenant_id == key.tenantId, message.conversation_id == key.conversationId,
            message.external_id == key.userId
        {
            return WebChatStreamCursor(resumingAfter: message._id, storedAt: message.created_at)
        }
        return WebChatStreamCursor(floor: context.now().addingTimeInterval(-2))
    }
}

/// One open stream: writes replies as they come and, on each tick, polls the store and sends heartbeats.
private struct StreamRun: Sendable {
    let key: ReplyStreams.Key
    let context: ChannelWebhookContext
    var cursor: WebChatStreamCursor
    let events: AsyncStream<WebChatStreamEvent>
    let continuation: AsyncStream<WebChatStreamEvent>.Continuation
    let logger: Logger
    /// Inbound messages whose replies this stream sent (the latest few): their previews are over.
    var answered = AnsweredMessages()

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var state = self
        let configuration = context.configuration
        let tick = configuration.streamPoll == .zero ? configuration.streamHeartbeat : configuration.streamPoll
        let continuation = self.continuation
        // Ended by the browser going away (a write fails) or by graceful shutdown (the events finish).
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: tick)
                        continuation.yield(.tick)
                    }
                }
                defer { group.cancelAll() }
                try await writer.write(ByteBuffer(string: "retry: 3000\n: stream of replies\n\n"))
                if configuration.streamPoll != .zero { try await state.poll(&writer) }
                var sinceHeartbeat = Duration.zero
                for await event in state.events {
                    switch event {
                    case .reply(let reply):
                        let id = reply.id.uuidString.lowercased()
                        if state.cursor.admit(id, storedAt: state.context.now()) {
                            try await writer.write(Self.event(reply, storedAt: state.context.now()))
                            sinceHeartbeat = .zero
                        }
                        if let answered = reply.replyTo { state.answered.insert(answered) }
                    case .delta(let delta):
                        // A preview that arrives after its reply would show stale text in its place.
                        if !state.answered.contains(delta.inReplyTo) {
                            try await writer.write(Self.event(delta))
                            sinceHeartbeat = .zero
                        }
                    case .typing(let signal):
                        // Only while the answer it announces has not come yet.
                        if signal.replyTo.map({ !state.answered.contains($0) }) ?? true {
                            try await writer.write(Self.typingEvent(signal))
                            sinceHeartbeat = .zero
                        }
                    case .tick:
                        if configuration.streamPoll != .zero { try await state.poll(&writer) }
                        sinceHeartbeat += tick
                        if sinceHeartbeat >= configuration.streamHeartbeat {
                            try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                            sinceHeartbeat = .zero
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        try await writer.finish(nil)
        logger.debug("Web chat stream closed")
    }

    /// Sends the replies stored since the cursor's poll start that were not sent yet.
    private mutating func poll(_ writer: inout any ResponseBodyWriter) async throws {
        let stored: [MessageStore.StoredMessage]
        do {
            stored = try await context.database.messages.conversation(
                tenantId: key.tenantId, conversationId: key.conversationId, since: cursor.pollFrom, limit: 200)
        } catch {
            // The live path still works; the next tick tries the store again.
            logger.warning("Web chat stream could not read the store", metadata: [LogKeys.error: "\(error)"])
            return
        }
        for message in stored
        where message.direction == Direction.outbound.rawValue && message.channel == Channel.webchat.rawValue
            && message.external_id == key.userId
        {
            if cursor.admit(message._id, storedAt: message.created_at) {
                try await writer.write(Self.event(message.envelope, storedAt: message.created_at))
            }
            if let answered = message.envelope.replyTo { self.answered.insert(answered) }
        }
    }

    /// One `reply_delta` event: a preview of the reply to `in_reply_to`, its text so far.
    static func event(_ delta: ReplyDelta) -> ByteBuffer {
        let preview = ReplyDeltaEvent(
            conversation_id: delta.conversationId, in_reply_to: delta.inReplyTo.uuidString.lowercased(),
            sequence: delta.sequence, text: delta.text)
        let json =
            (try? SwitchboardJSON.makeEncoder().encode(preview)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "event: reply_delta\ndata: \(json)\n\n")
    }

    /// One `typing` event: someone (`bot` or `agent`) is writing an answer to `in_reply_to` (when known).
    static func typingEvent(_ signal: Envelope) -> ByteBuffer {
        let event = TypingEvent(
            conversation_id: signal.conversationId ?? "", in_reply_to: signal.replyTo?.uuidString.lowercased(),
            sender: WebChatResponses.sender(of: signal).0)
        let json =
            (try? SwitchboardJSON.makeEncoder().encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "event: typing\ndata: \(json)\n\n")
    }

    /// One `message` event: the reply in the history endpoint's shape, on one `data:` line.
    static func event(_ reply: Envelope, storedAt: Date) -> ByteBuffer {
        let (sender, agentId) = WebChatResponses.sender(of: reply)
        let message = WebChatResponses.Message(
            id: reply.id.uuidString.lowercased(), direction: reply.direction.rawValue, sender: sender,
            agent_id: agentId, text: WebChatResponses.text(of: reply), sequence: reply.sequence,
            created_at: SwitchboardJSON.formatDate(storedAt), content: WebChatResponses.richContent(of: reply))
        let encoder = SwitchboardJSON.makeEncoder()
        // JSON escapes line breaks inside strings, so the whole message fits on one data line.
        let json = (try? encoder.encode(message)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "id: \(message.id)\nevent: message\ndata: \(json)\n\n")
    }
}

/// The data of a `typing` event.
private struct TypingEvent: Encodable {
    let conversation_id: String
    let in_reply_to: String?
    let sender: String
}

/// The data of a `reply_delta` event.
private struct ReplyDeltaEvent: Encodable {
    let conversation_id: String
    let in_reply_to: String
    let sequence: Int
    let text: String
}

/// The last few inbound message ids a stream sent replies to.
struct AnsweredMessages: Sendable {
    private var ids: [UUID] = []
    let capacity = 32

    func contains(_ id: UUID) -> Bool { ids.contains(id) }

    mutating func insert(_ id: UUID) {
        guard !ids.contains(id) else { return }
        ids.append(id)
        if ids.count > capacity { ids.removeFirst() }
    }
}
