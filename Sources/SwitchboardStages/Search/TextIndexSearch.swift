public import SwitchboardCore
import SwitchboardMongo

/// Search on the database's own text index, where the database has one (MongoDB): a compound text index
/// `{tenant_id: 1, terms: "text"}` on `search_terms` (``MessageStore/textIndexName``), so every `$text` query is
/// scoped by its tenant's equality, as MongoDB requires of a compound text index.
///
/// A query with words and no intent is one `$text` read, its filters (customer, channel, time range, sessions)
/// next to it and the best ``candidateLimit`` by the database's text score; the entries found are then ranked,
/// and their messages read, exactly as the term index's are (``TermIndexSearch``), so the two backends give the
/// same results. The text index stems words (English, its default) where Switchboard's terms do not: an entry
/// that matched only by its stem shares no word with the query and is left out, as the term index would.
///
/// Without words, or with an intent, there is nothing for a text index to do: those searches read the other
/// indexes of `search_terms`, through ``TermIndexSearch``.
public struct TextIndexSearch: MessageSearchBackend {
    public let name = "text"
    let messages: MessageStore
    let terms: TermIndexSearch
    let candidateLimit: Int

    public init(messages: MessageStore, candidateLimit: Int = 300) {
        self.messages = messages
        terms = TermIndexSearch(messages: messages, candidateLimit: candidateLimit)
        self.candidateLimit = candidateLimit
    }

    public func search(_ query: SearchQuery, sessionIds: [String]?) async throws -> [SearchHit] {
        let words = query.terms
        guard !words.isEmpty, query.intent == nil else { return try await terms.search(query, sessionIds: sessionIds) }
        let found = try await messages.textSearchEntries(
            Self.filter(query, sessionIds: sessionIds), limit: max(candidateLimit, query.limit))
        let wanted = Set(words)
        // The tenant again (defence in depth), and a word of the query, not only its stem.
        let entries = found.filter { $0.tenant_id == query.tenantId && !wanted.isDisjoint(with: $0.terms) }
        return try await terms.hits(ranking: entries, for: query)
    }

    /// The `$text` query of `query`: the tenant and time range as every read of `search_terms` has them
    /// (``MessageStore/searchFilter(tenantId:probe:from:before:)``), its words (any of them), and its filters.
    /// Terms are letters and digits only (``SearchText``), so `$search` never reads one as an exclusion or a
    /// phrase.
    static func filter(_ query: SearchQuery, sessionIds: [String]?) -> MongoDocument {
        var filter = MessageStore.searchFilter(
            tenantId: query.tenantId, probe: .tenant, from: query.since, before: query.until)
        filter["$text"] = ["$search": .string(query.terms.joined(separator: " "))]
        if let customer = query.customerId { filter["customer_id"] = .string(customer) }
        if let channel = query.channel { filter["channel"] = .string(channel) }
        if let sessionIds { filter["session_id"] = ["$in": .array(sessionIds.map(MongoValue.string))] }
        return filter
    }
}
