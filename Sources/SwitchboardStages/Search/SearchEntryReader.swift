public import Foundation

/// How a search reads the term index: each read is one that the database answers from an index whose equality
/// prefix and `created_at` range bound the scan. Every other filter (channel, sessions, a second condition) is
/// applied to the entries read, in memory (``SearchCandidates``).
///
/// SecantusDB picks an index only for a filter of equalities on an index's leading fields plus at most one
/// range on the next one; anything more (an `$in` over `terms` with a time range, a channel next to a term, a
/// partial index on `$exists`) is a collection scan (measured with `explain`).
public protocol SearchEntryReader: Sendable {
    /// A tenant's entries matching `probe` stored in `from..<before` (either end open when nil), at most `limit`.
    func searchEntries(
        tenantId: String, probe: SearchProbe, from: Date?, before: Date?, limit: Int
    ) async throws -> [SearchEntry]
    /// The entries with these ids (message ids), whatever their tenant: the caller checks it.
    func searchEntries(ids: [String]) async throws -> [SearchEntry]
    /// The intent the bot answered each of these messages with, from the entries of its replies: messages
    /// without such a reply are left out.
    func answeredIntents(tenantId: String, messageIds: [String]) async throws -> [String: String]
}

/// What one read of the term index selects besides the tenant and the time slice.
public enum SearchProbe: Sendable, Hashable {
    /// Entries containing the term (index `tenant_terms`).
    case term(String)
    /// One customer's entries (index `tenant_customer`).
    case customer(String)
    /// Bot replies that carry the intent (index `tenant_intent_time`).
    case intent(String)
    /// All the tenant's entries (index `tenant_time`).
    case tenant
}
