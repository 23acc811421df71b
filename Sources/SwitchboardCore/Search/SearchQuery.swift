public import Foundation

/// What an agent, a supervisor or an operator searches for: text and filters, always within one tenant.
public struct SearchQuery: Sendable, Hashable {
    /// The tenant searched; every backend scopes every read by it.
    public var tenantId: String
    /// Words to find; empty searches by the filters alone, newest first.
    public var text: String
    /// Only this customer's messages.
    public var customerId: String?
    /// Only messages on this channel (`whatsapp`, `webchat`, ...).
    public var channel: String?
    /// Only messages stored at or after this time.
    public var since: Date?
    /// Only messages stored before this time.
    public var until: Date?
    /// Only messages the NLP stage recognised this intent in (and the replies it sent for it).
    public var intent: String?
    /// Only messages of sessions with a hand-over in this state.
    public var handoverState: HandoverRecord.Status?
    /// The most results returned. Default 20, at most ``maximumLimit``.
    public var limit: Int

    /// The most results one search returns.
    public static let maximumLimit = 100

    public init(
        tenantId: String, text: String, customerId: String? = nil, channel: String? = nil, since: Date? = nil,
        until: Date? = nil, intent: String? = nil, handoverState: HandoverRecord.Status? = nil, limit: Int = 20
    ) {
        self.tenantId = tenantId
        self.text = text
        self.customerId = customerId
        self.channel = channel
        self.since = since
        self.until = until
        self.intent = intent
        self.handoverState = handoverState
        self.limit = min(max(limit, 1), Self.maximumLimit)
    }

    /// The query's terms, as messages are indexed (``SearchText``). Ten at most: a pasted paragraph is not a
    /// query.
    public var terms: [String] { SearchText.terms(text, limit: 10) }
}
