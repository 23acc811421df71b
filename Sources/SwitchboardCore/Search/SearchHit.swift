public import Foundation

/// One message found, with the part of its text that matched.
public struct SearchHit: Sendable, Hashable, Codable {
    public var messageId: String
    public var customerId: String?
    public var sessionId: String?
    public var conversationId: String?
    public var channel: String
    public var direction: String
    public var intent: String?
    public var createdAt: Date
    /// Higher is better; only comparable within one search.
    public var score: Double
    /// The query terms the message contains.
    public var matchedTerms: [String]
    /// A window of the message's text around its first match, matches marked.
    public var snippet: SearchSnippet

    public init(
        messageId: String, customerId: String?, sessionId: String?, conversationId: String?, channel: String,
        direction: String, intent: String?, createdAt: Date, score: Double, matchedTerms: [String],
        snippet: SearchSnippet
    ) {
        self.messageId = messageId
        self.customerId = customerId
        self.sessionId = sessionId
        self.conversationId = conversationId
        self.channel = channel
        self.direction = direction
        self.intent = intent
        self.createdAt = createdAt
        self.score = score
        self.matchedTerms = matchedTerms
        self.snippet = snippet
    }

    enum CodingKeys: String, CodingKey {
        case channel, direction, intent, score, snippet
        case messageId = "message_id"
        case customerId = "customer_id"
        case sessionId = "session_id"
        case conversationId = "conversation_id"
        case createdAt = "created_at"
        case matchedTerms = "matched_terms"
    }
}
