public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Search over the `search_terms` collection the stages write as they store messages (``SearchEntry``).
///
/// Candidates are the newest entries of the tenant containing a query word and passing the filters
/// (``SearchCandidates``); they are ranked in memory (``SearchRanking``) and one `_id` read fetches the texts of
/// the best for their snippets.
///
/// SecantusDB applies a `limit` only after it has fetched every matching entry, and sorts in memory, so a common
/// word over a million messages would cost seconds. It does bound an index scan by a `created_at` range, though
/// (measured: keys examined = entries in the range), when the filter is equalities on the index's leading fields
/// and that one range. So each word is read on its own, in slices back from `until` (or now) sized to what the
/// slices before held (``SearchWindows``), and every other filter is applied in memory.
///
/// An intent is stored on the bot reply that answered it, with the message it answered (``SearchEntry``), so a
/// filter by intent reads the replies and then the customer's messages they answered by id; a hit on a customer's
/// message shows the intent its reply carries (read from the reply's entry, index `tenant_reply`).
public struct TermIndexSearch: MessageSearchBackend {
    public let name = "terms"
    let messages: MessageStore
    let candidates: SearchCandidates

    public init(messages: MessageStore, candidateLimit: Int = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        self.messages = messages
        candidates = SearchCandidates(reader: messages, candidateLimit: candidateLimit, now: now)
    }

    public func search(_ query: SearchQuery, sessionIds: [String]?) async throws -> [SearchHit] {
        try await hits(ranking: candidates.candidates(query, sessionIds: sessionIds), for: query)
    }

    /// The best `query.limit` of `entries` (all of the query's tenant and passing its filters), ranked, with the
    /// texts of their messages for the snippets and the intents their replies answered.
    func hits(ranking entries: [SearchEntry], for query: SearchQuery) async throws -> [SearchHit] {
        let terms = query.terms
        let byId = Dictionary(entries.map { ($0._id, $0) }, uniquingKeysWith: { first, _ in first })
        let ranked = SearchRanking.rank(
            entries.map { SearchRanking.Candidate(id: $0._id, terms: Set($0.terms), createdAt: $0.created_at) },
            queryTerms: terms, limit: query.limit)
        let stored = try await messages.storedMessages(ids: ranked.map(\.candidate.id))
        let unlabelled = ranked.map(\.candidate.id).filter {
            byId[$0]?.intent == nil && byId[$0]?.direction == "inbound"
        }
        let answered = try await messages.answeredIntents(tenantId: query.tenantId, messageIds: unlabelled)
        let wanted = Set(terms)
        return ranked.compactMap { ranked in
            // Defence in depth: an entry is the tenant's, and so must be the message it names.
            guard let entry = byId[ranked.candidate.id], let message = stored[ranked.candidate.id],
                message.tenant_id == query.tenantId
            else { return nil }
            let text = message.envelope.content?.textForUnderstanding ?? ""
            return SearchHit(
                messageId: entry._id, customerId: entry.customer_id, sessionId: entry.session_id,
                conversationId: entry.conversation_id, channel: entry.channel, direction: entry.direction,
                intent: entry.intent ?? answered[entry._id], createdAt: entry.created_at, score: ranked.score,
                matchedTerms: ranked.matchedTerms, snippet: SearchSnippet(text: text, terms: wanted))
        }
    }
}
