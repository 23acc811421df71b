public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Search over the `search_terms` collection the stages write as they store messages (``SearchEntry``).
///
/// Candidates are the newest entries of the tenant containing any query term and passing the filters; they are
/// ranked in memory (``SearchRanking``) and one `_id` read fetches the texts of the best for their snippets.
///
/// SecantusDB applies a `limit` only after it has fetched every matching entry, and sorts in memory, so a common
/// word over a million messages would cost seconds. It does bound an index scan by a `created_at` range, though
/// (measured: keys examined = entries in the range). So candidates are read in widening windows back from
/// `until` (or now): an hour, six hours, a day, a week, thirty days, a year, then everything, stopping at the
/// first window that holds `candidateLimit` entries. A common word is answered from its recent matches, a rare
/// one from all of them.
///
/// An intent is stored on the bot reply that answered it, with the message it answered (``SearchEntry``), so a
/// filter by intent reads the replies and then the customer's messages they answered by id; a hit on a customer's
/// message shows the intent its reply carries.
public struct TermIndexSearch: MessageSearchBackend {
    public let name = "terms"
    let messages: MessageStore
    /// How many entries one search ranks at most: enough matches found in a window ends the widening.
    let candidateLimit: Int
    let now: @Sendable () -> Date

    /// The most entries of one customer a search reads.
    static let customerEntryLimit = 5000

    /// The windows read back from the end of the time range, in seconds; nil: to its start.
    static let windows: [Double?] = [3600, 6 * 3600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400, nil]

    public init(messages: MessageStore, candidateLimit: Int = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        self.messages = messages
        self.candidateLimit = candidateLimit
        self.now = now
    }

    public func search(_ query: SearchQuery, sessionIds: [String]?) async throws -> [SearchHit] {
        let terms = query.terms
        let entries = try await candidates(query, terms: terms, sessionIds: sessionIds)
        let byId = Dictionary(entries.map { ($0._id, $0) }, uniquingKeysWith: { first, _ in first })
        let ranked = SearchRanking.rank(
            entries.map { SearchRanking.Candidate(id: $0._id, terms: Set($0.terms), createdAt: $0.created_at) },
            queryTerms: terms, limit: query.limit)
        let stored = try await messages.storedMessages(ids: ranked.map(\.candidate.id))
        let unlabelled = ranked.map(\.candidate.id).filter {
            byId[$0]?.intent == nil && byId[$0]?.direction == "inbound"
        }
        let answered = try await messages.answeredIntents(messageIds: unlabelled)
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

    /// The entries matching: with an intent, the replies that carry it and the customer's messages they answered.
    func candidates(_ query: SearchQuery, terms: [String], sessionIds: [String]?) async throws -> [SearchEntry] {
        guard let intent = query.intent else { return try await matching(query, terms: terms, sessionIds: sessionIds) }
        let replies = try await matching(query, terms: [], sessionIds: sessionIds)
        let answered = Set(replies.compactMap(\.reply_to)).subtracting(replies.map(\._id)).sorted()
        var questions: [SearchEntry] = []
        if !answered.isEmpty {
            var others = query
            others.intent = nil
            var filter = Self.filter(others, sessionIds: sessionIds)
            filter["_id"] = ["$in": .array(answered.map(MongoValue.string))]
            questions = try await messages.findSearchEntries(
                tenantId: query.tenantId, terms: [], filter: filter, limit: answered.count)
            for index in questions.indices { questions[index].intent = intent }
        }
        let wanted = Set(terms)
        let entries = replies + questions
        return wanted.isEmpty ? entries : entries.filter { !wanted.isDisjoint(with: $0.terms) }
    }

    /// The newest entries matching, read in widening windows until `candidateLimit` are found.
    func matching(_ query: SearchQuery, terms: [String], sessionIds: [String]?) async throws -> [SearchEntry] {
        if query.customerId != nil {
            // One customer's entries are few: read them by customer (its own index) and match the terms here,
            // rather than scan a common word's entries for the customer's.
            let entries = try await messages.findSearchEntries(
                tenantId: query.tenantId, terms: [], filter: Self.filter(query, sessionIds: sessionIds),
                limit: Self.customerEntryLimit)
            let wanted = Set(terms)
            return wanted.isEmpty ? entries : entries.filter { !wanted.isDisjoint(with: $0.terms) }
        }
        let end = query.until ?? now()
        var entries: [SearchEntry] = []
        for window in Self.windows {
            var start = window.map { end.addingTimeInterval(-$0) }
            if let since = query.since, start.map({ $0 <= since }) ?? true { start = since }
            // Only the start moves: a window is open towards the end of the range (or the future).
            var windowed = query
            windowed.since = start
            entries = try await messages.findSearchEntries(
                tenantId: query.tenantId, terms: terms, filter: Self.filter(windowed, sessionIds: sessionIds),
                limit: candidateLimit)
            if entries.count >= candidateLimit || start == query.since { break }
        }
        return entries
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
