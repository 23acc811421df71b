import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Search over the `search_terms` collection the stages write as they store messages (``SearchEntry``).
///
/// One indexed read finds the newest `candidateLimit` entries containing any query term, with the filters; they
/// are ranked in memory (``SearchRanking``) and one `_id` read fetches the texts of the best for their snippets.
public struct TermIndexSearch: MessageSearchBackend {
    public let name = "terms"
    let messages: MessageStore
    /// How many entries one search ranks: the newest that contain any query term.
    let candidateLimit: Int

    public init(messages: MessageStore, candidateLimit: Int = 1000) {
        self.messages = messages
        self.candidateLimit = candidateLimit
    }

    public func search(_ query: SearchQuery, sessionIds: [String]?) async throws -> [SearchHit] {
        let terms = query.terms
        let entries = try await messages.searchEntries(
            tenantId: query.tenantId, terms: terms, filter: Self.filter(query, sessionIds: sessionIds),
            limit: terms.isEmpty ? query.limit : candidateLimit)
        let byId = Dictionary(entries.map { ($0._id, $0) }, uniquingKeysWith: { first, _ in first })
        let ranked = SearchRanking.rank(
            entries.map { SearchRanking.Candidate(id: $0._id, terms: Set($0.terms), createdAt: $0.created_at) },
            queryTerms: terms, limit: query.limit)
        let stored = try await messages.storedMessages(ids: ranked.map(\.candidate.id))
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
                intent: entry.intent, createdAt: entry.created_at, score: ranked.score,
                matchedTerms: ranked.matchedTerms, snippet: SearchSnippet(text: text, terms: wanted))
        }
    }

    /// The query's filters other than the tenant and the terms.
    static func filter(_ query: SearchQuery, sessionIds: [String]?) -> MongoDocument {
        var filter: MongoDocument = [:]
        if let customer = query.customerId { filter["customer_id"] = .string(customer) }
        if let channel = query.channel { filter["channel"] = .string(channel) }
        if let intent = query.intent { filter["intent"] = .string(intent) }
        if let sessionIds { filter["session_id"] = ["$in": .array(sessionIds.map(MongoValue.string))] }
        var time: MongoDocument = [:]
        if let since = query.since { time["$gte"] = .date(since) }
        if let until = query.until { time["$lt"] = .date(until) }
        if !time.isEmpty { filter["created_at"] = .document(time) }
        return filter
    }
}
