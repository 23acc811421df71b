public import SwitchboardCore
import Synchronization

/// Browsers following web chat conversations (``WebChatStream``): a lock around ``ReplyStreamsState``
/// whose followers are the streams' event continuations. The web chat adapter publishes every reply it
/// delivers here.
public final class ReplyStreams: Sendable {
    public typealias Key = ReplyStreamsState<AsyncStream<WebChatStreamEvent>.Continuation>.Key
    public typealias Ticket = ReplyStreamsState<AsyncStream<WebChatStreamEvent>.Continuation>.Ticket

    private let state: Mutex<ReplyStreamsState<AsyncStream<WebChatStreamEvent>.Continuation>>

    public typealias Refusal = ReplyStreamsState<AsyncStream<WebChatStreamEvent>.Continuation>.Refusal

    /// Streams that may be open at once: per conversation (default 16), per tenant
    /// (`SWITCHBOARD_WEBCHAT_STREAMS_PER_TENANT`, default 2 000) and in this process
    /// (`SWITCHBOARD_WEBCHAT_STREAMS_MAX`, default 10 000).
    public init(limitPerConversation: Int = 16, limitPerTenant: Int = 2000, limit: Int = 10_000) {
        state = Mutex(ReplyStreamsState(limit: limitPerConversation, tenantLimit: limitPerTenant, totalLimit: limit))
    }

    /// Streams open.
    public var count: Int { state.withLock { $0.count } }

    /// Sends `key`'s replies to `continuation` until ``unfollow(_:)``; nil when the conversation, the tenant
    /// or the process has too many streams already.
    public func follow(
        _ key: Key, with continuation: AsyncStream<WebChatStreamEvent>.Continuation
    ) -> Ticket? {
        try? admit(key, with: continuation)
    }

    /// As ``follow(_:with:)``, saying which limit refused the stream.
    public func admit(
        _ key: Key, with continuation: AsyncStream<WebChatStreamEvent>.Continuation
    ) throws(Refusal) -> Ticket {
        try state.withLock { state throws(Refusal) in try state.admit(key, continuation) }
    }

    /// Stops following and finishes the stream's continuation.
    public func unfollow(_ ticket: Ticket) {
        state.withLock { $0.unfollow(ticket) }?.finish()
    }

    /// Hands a web chat reply to every stream following its conversation. Returns how many there were.
    @discardableResult
    public func publish(_ reply: Envelope) -> Int {
        guard reply.direction == .outbound, let conversationId = reply.conversationId else { return 0 }
        let key = Key(tenantId: reply.tenantId, conversationId: conversationId, userId: reply.externalId)
        let followers = state.withLock { $0.followers(of: key) }
        for follower in followers { follower.yield(.reply(reply)) }
        return followers.count
    }

    /// Hands a preview of a reply being written to every stream following its conversation: only that
    /// tenant's, that user's, that conversation's. Returns how many there were.
    @discardableResult
    public func publish(delta: ReplyDelta) -> Int {
        let key = Key(tenantId: delta.tenantId, conversationId: delta.conversationId, userId: delta.userId)
        let followers = state.withLock { $0.followers(of: key) }
        for follower in followers { follower.yield(.delta(delta)) }
        return followers.count
    }

    /// Tells every stream following `signal`'s conversation that an answer is being written (a `sender_action`
    /// envelope). Returns how many there were.
    @discardableResult
    public func publish(typing signal: Envelope) -> Int {
        guard let conversationId = signal.conversationId else { return 0 }
        let key = Key(tenantId: signal.tenantId, conversationId: conversationId, userId: signal.externalId)
        let followers = state.withLock { $0.followers(of: key) }
        for follower in followers { follower.yield(.typing(signal)) }
        return followers.count
    }
}

/// What wakes a web chat stream: a reply delivered by this process, a preview of a reply being written, a
/// typing indicator, or its timer (poll the store, send a heartbeat).
public enum WebChatStreamEvent: Sendable {
    case reply(Envelope)
    case delta(ReplyDelta)
    case typing(Envelope)
    case tick
}
