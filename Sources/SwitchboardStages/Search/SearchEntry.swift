public import Foundation
import SwitchboardCore

/// A message in the `search_terms` collection: its distinct terms and the fields searches filter on, written
/// by the stage that stores the message, in the same batch. The `_id` is the message's, so a redelivered batch
/// writes nothing new.
///
/// One document per message with a multikey index on `terms`, rather than one per term: a tenth of the
/// documents to write, and SecantusDB answers `{tenant_id, terms}` from the index (measured: IXSCAN).
public struct SearchEntry: Codable, Sendable, Hashable {
    public var _id: String
    public var tenant_id: String
    public var terms: [String]
    public var customer_id: String?
    public var session_id: String?
    public var conversation_id: String?
    public var channel: String
    public var direction: String
    /// The intent the NLP stage recognised, on the bot reply that answered it (stored with it, never updated).
    /// The customer's message it answered is found through ``reply_to`` (``TermIndexSearch``).
    public var intent: String?
    /// On a reply that carries an intent: the message it answered.
    public var reply_to: String?
    public var created_at: Date

    /// The entry of a stored message, or nil when it has no text to find (media without caption, a location).
    public init?(_ message: MessageStore.StoredMessage) {
        guard let text = message.envelope.content?.textForUnderstanding else { return nil }
        let terms = SearchText.terms(text)
        guard !terms.isEmpty else { return nil }
        _id = message._id
        tenant_id = message.tenant_id
        self.terms = terms
        customer_id = message.customer_id
        session_id = message.session_id
        conversation_id = message.conversation_id
        channel = message.channel
        direction = message.direction
        intent = message.envelope.annotations.intent
        reply_to = intent == nil ? nil : message.reply_to
        created_at = message.created_at
    }

    /// An entry as stored (tests build their own).
    init(
        _id: String, tenant_id: String, terms: [String], customer_id: String? = nil, session_id: String? = nil,
        channel: String = "webchat", direction: String = "inbound", intent: String? = nil, reply_to: String? = nil,
        created_at: Date
    ) {
        self._id = _id
        self.tenant_id = tenant_id
        self.terms = terms
        self.customer_id = customer_id
        self.session_id = session_id
        conversation_id = session_id
        self.channel = channel
        self.direction = direction
        self.intent = intent
        self.reply_to = reply_to
        self.created_at = created_at
    }
}
