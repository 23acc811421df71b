public import Foundation

/// Where a reply's preview goes while a language model writes it: the web chat conversation that asked.
///
/// Set on a ``BotTurn`` only for messages from a channel whose clients listen for previews (the web chat).
public struct ReplyDeltaTarget: Sendable, Hashable {
    /// The tenant.
    public var tenantId: String
    /// The conversation the reply belongs to.
    public var conversationId: String
    /// The visitor (the envelope's external id).
    public var userId: String
    /// The inbound message the reply answers.
    public var inReplyTo: UUID
    /// The message's trace id, for the delta record's headers and logs.
    public var traceId: String

    public init(tenantId: String, conversationId: String, userId: String, inReplyTo: UUID, traceId: String) {
        self.tenantId = tenantId
        self.conversationId = conversationId
        self.userId = userId
        self.inReplyTo = inReplyTo
        self.traceId = traceId
    }
}

/// A preview of a reply being written: the text so far, numbered. Sent on the `reply-deltas` topic and to
/// web chat streams as `reply_delta` events; never stored. Losing one is harmless, since each carries the
/// whole text so far and the complete reply follows through the pipeline as usual.
public struct ReplyDelta: Sendable, Hashable, Codable {
    public var tenantId: String
    public var conversationId: String
    public var userId: String
    /// The inbound message the reply answers.
    public var inReplyTo: UUID
    /// 1, 2, 3… within one reply; a client keeps the highest.
    public var sequence: Int
    /// The reply's text so far.
    public var text: String
    /// The inbound message's trace id.
    public var traceId: String?

    public init(target: ReplyDeltaTarget, sequence: Int, text: String) {
        self.traceId = target.traceId
        self.tenantId = target.tenantId
        self.conversationId = target.conversationId
        self.userId = target.userId
        self.inReplyTo = target.inReplyTo
        self.sequence = sequence
        self.text = text
    }

    /// The record key: deltas of one conversation stay in order on one partition.
    public var partitionKey: String { tenantId + "/" + conversationId }

    /// Ids in lower case, as everywhere on the wire.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tenantId, forKey: .tenantId)
        try c.encode(conversationId, forKey: .conversationId)
        try c.encode(userId, forKey: .userId)
        try c.encode(inReplyTo.uuidString.lowercased(), forKey: .inReplyTo)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(text, forKey: .text)
        try c.encodeIfPresent(traceId, forKey: .traceId)
    }

    enum CodingKeys: String, CodingKey {
        case sequence, text
        case tenantId = "tenant_id"
        case conversationId = "conversation_id"
        case userId = "user_id"
        case inReplyTo = "in_reply_to"
        case traceId = "trace_id"
    }
}

/// Where an engine hands reply previews. Best effort: `publish` never waits and may drop deltas.
public protocol ReplyDeltaSink: Sendable {
    /// Hands `delta` on, without waiting for it to be sent.
    func publish(_ delta: ReplyDelta)
}
