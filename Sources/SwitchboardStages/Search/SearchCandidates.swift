public import Foundation
public import SwitchboardCore

/// Gathers the entries a search ranks: reads the term index only in ways it answers from an index
/// (``SearchEntryReader``), slice by slice back in time (``SearchWindows``), and applies every other filter to
/// what it reads.
///
/// - Words: each word is read on its own (`tenant_terms`), and the entries found are merged. One word needs only
///   the newest `limit` matches (they all score the same, so the newest win); several words share
///   `candidateLimit` matches (at least `limit` each), among which the ranking finds the messages with the most
///   of the query.
/// - A customer: their entries are few, and read in one go (`tenant_customer`).
/// - An intent: the replies that carry it (`tenant_intent_time`), then the customer's messages they answered,
///   by id.
/// - Filters alone: the tenant's newest entries (`tenant_time`).
///
/// A read stops after `scanLimit` entries, so a common word with a filter that keeps few of its entries costs
/// a bounded time: the search then answers from that word's newest `scanLimit` entries.
public struct SearchCandidates: Sendable {
    let reader: any SearchEntryReader
    /// How many matches a search of several words ranks, shared among its words.
    let candidateLimit: Int
    /// The most entries one probe reads.
    let scanLimit: Int
    let now: @Sendable () -> Date

    /// The most entries of one customer a search reads.
    static let customerEntryLimit = 5000

    public init(
        reader: any SearchEntryReader, candidateLimit: Int = 300, scanLimit: Int = 10_000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.reader = reader
        self.candidateLimit = candidateLimit
        self.scanLimit = scanLimit
        self.now = now
    }

    /// The entries of the query's tenant that match it, unranked; with `sessionIds`, only of those sessions.
    public func candidates(_ query: SearchQuery, sessionIds: [String]?) async throws -> [SearchEntry] {
        let terms = query.terms
        // Several words share `candidateLimit` among them: each is read until it has its share, and a rare word
        // is read back to where it occurs.
        let needed = terms.count > 1 ? max(candidateLimit / terms.count, query.limit) : query.limit
        let filter = Filter(query: query, sessionIds: sessionIds.map(Set.init))
        if let intent = query.intent {
            return try await intentCandidates(query, intent: intent, terms: terms, filter: filter)
        }
        if let customer = query.customerId {
            return try await read(query, probe: .customer(customer), filter: filter.withTerms(terms))
        }
        if terms.isEmpty { return try await walk(query, probe: .tenant, needed: needed, filter: filter) }
        let merged = try await withThrowingTaskGroup(of: [SearchEntry].self) { group in
            for term in terms {
                group.addTask { try await walk(query, probe: .term(term), needed: needed, filter: filter) }
            }
            var merged: [String: SearchEntry] = [:]
            for try await entries in group {
                for entry in entries { merged[entry._id] = entry }
            }
            return merged
        }
        return Array(merged.values)
    }

    /// With an intent: the replies carrying it that pass the filters, and the messages they answered that pass
    /// them too (shown with the intent), then those containing a query word, if any.
    func intentCandidates(
        _ query: SearchQuery, intent: String, terms: [String], filter: Filter
    ) async throws -> [SearchEntry] {
        let replies =
            if let customer = query.customerId {
                try await read(query, probe: .customer(customer), filter: filter)
            } else {
                try await walk(
                    query, probe: .intent(intent), needed: terms.isEmpty ? query.limit : candidateLimit,
                    filter: filter)
            }
        let answered = Set(replies.compactMap(\.reply_to)).subtracting(replies.map(\._id)).sorted()
        var others = filter
        others.intent = nil
        var questions = try await reader.searchEntries(ids: answered).filter(others.accepts)
        for index in questions.indices { questions[index].intent = intent }
        let entries = replies + questions
        let wanted = Set(terms)
        return wanted.isEmpty ? entries : entries.filter { !wanted.isDisjoint(with: $0.terms) }
    }

    /// One read of the whole range (a customer's entries), filtered.
    func read(_ query: SearchQuery, probe: SearchProbe, filter: Filter) async throws -> [SearchEntry] {
        try await reader.searchEntries(
            tenantId: query.tenantId, probe: probe, from: query.since, before: query.until,
            limit: Self.customerEntryLimit
        ).filter(filter.accepts)
    }

    /// Reads slices back from the end of the range until `needed` entries pass the filter, the range is read
    /// through, or `scanLimit` entries were read.
    func walk(_ query: SearchQuery, probe: SearchProbe, needed: Int, filter: Filter) async throws -> [SearchEntry] {
        var windows = SearchWindows(since: query.since, until: query.until, now: now())
        var kept: [SearchEntry] = []
        var read = 0
        while read < scanLimit, let slice = windows.next(kept: kept.count, needed: needed) {
            let entries = try await reader.searchEntries(
                tenantId: query.tenantId, probe: probe, from: slice.from, before: slice.before,
                limit: scanLimit - read)
            read += entries.count
            kept += entries.filter(filter.accepts)
        }
        return kept
    }

    /// The query's conditions, checked on an entry read.
    struct Filter: Sendable {
        var tenantId: String
        var customerId: String?
        var channel: String?
        var intent: String?
        var sessionIds: Set<String>?
        var since: Date?
        var until: Date?
        /// When set, an entry must contain one of these.
        var terms: Set<String>?

        init(query: SearchQuery, sessionIds: Set<String>?) {
            tenantId = query.tenantId
            customerId = query.customerId
            channel = query.channel
            intent = query.intent
            self.sessionIds = sessionIds
            since = query.since
            until = query.until
        }

        func withTerms(_ terms: [String]) -> Filter {
            var filter = self
            filter.terms = terms.isEmpty ? nil : Set(terms)
            return filter
        }

        func accepts(_ entry: SearchEntry) -> Bool {
            // The tenant is checked again: a read by id is not scoped by it.
            guard entry.tenant_id == tenantId else { return false }
            if let customerId, entry.customer_id != customerId { return false }
            if let channel, entry.channel != channel { return false }
            if let intent, entry.intent != intent { return false }
            if let sessionIds, !(entry.session_id.map { sessionIds.contains($0) } ?? false) { return false }
            if let since, entry.created_at < since { return false }
            if let until, entry.created_at >= until { return false }
            if let terms, terms.isDisjoint(with: entry.terms) { return false }
            return true
        }
    }
}
