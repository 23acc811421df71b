public import Foundation
import SwitchboardCore
import SwitchboardMongo

/// The pipeline-maintained search index (`search_terms`), used where the database has no text index.
extension MessageStore {
    static let searchCollection = "search_terms"

    func createSearchIndexes() async throws {
        // Each index serves one kind of read (``SearchProbe``): equalities on its leading fields and a range on
        // `created_at` bound the scan. The intent index is partial on `$gt: ""` rather than `$exists`: a query
        // `intent: "x"` implies the former, and SecantusDB uses a partial index only when the query implies its
        // filter. `tenant_reply` is not partial, because an `$in` implies no partial filter there.
        try await searchEntries.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "terms": 1, "created_at": -1], name: "tenant_terms"),
            MongoIndex(keys: ["tenant_id": 1, "customer_id": 1, "created_at": -1], name: "tenant_customer"),
            MongoIndex(
                keys: ["tenant_id": 1, "intent": 1, "created_at": -1], name: "tenant_intent_time",
                partialFilter: ["intent": ["$gt": ""]]),
            MongoIndex(keys: ["tenant_id": 1, "reply_to": 1], name: "tenant_reply"),
            MongoIndex(keys: ["tenant_id": 1, "created_at": -1], name: "tenant_time"),
        ])
    }

    /// Indexes stored messages with one unordered bulk insert of their entries (an entry already there is kept).
    /// Nothing is updated afterwards: a bot reply's entry carries the intent it answered and the message it
    /// answered (`reply_to`), which is how a search by intent finds the customer's message too. An update per
    /// reply cost the database more than both inserts (measured: SecantusDB applies about 150 such updates/s on
    /// this collection, against thousands of inserted entries/s).
    func indexForSearch(_ stored: [StoredMessage]) async throws {
        let entries = stored.compactMap(SearchEntry.init)
        guard !entries.isEmpty else { return }
        _ = try await searchEntries.insertManyIgnoringDuplicates(entries)
    }

    /// The name of the text index on `search_terms`, where the database has text indexes.
    public static let textIndexName = "tenant_terms_text"

    /// Creates the text index `{tenant_id: 1, terms: "text"}` on `search_terms` (a no-op when it exists) and
    /// returns true; false when the database has no text indexes (SecantusDB refuses them with code 67,
    /// `CannotCreateIndex`, "text indexes are not supported"). Any other failure is thrown.
    public func createTextSearchIndex() async throws -> Bool {
        do {
            try await searchEntries.createIndexes([
                MongoIndex(keys: ["tenant_id": 1, "terms": "text"], name: Self.textIndexName)
            ])
            return true
        } catch  where Self.refusesTextIndexes(error) {
            return false
        }
    }

    /// Whether `error` is a database's refusal of text indexes, rather than a failure to retry.
    static func refusesTextIndexes(_ error: MongoError) -> Bool {
        error.serverCode == 67 || error.reason.lowercased().contains("text indexes are not supported")
    }

    /// The best `limit` entries of a `$text` query (``TextIndexSearch/filter(_:sessionIds:)``) by text score.
    func textSearchEntries(_ filter: MongoDocument, limit: Int) async throws -> [SearchEntry] {
        try await searchEntries.find(filter, sort: ["score": ["$meta": "textScore"]], limit: max(limit, 1))
    }

    /// Deletes a tenant's entries of messages stored before `cutoff` (retention).
    func deleteSearchEntries(tenantId: String, createdBefore cutoff: Date) async throws -> Int {
        try await searchEntries.deleteMany(["tenant_id": .string(tenantId), "created_at": ["$lt": .date(cutoff)]])
    }
}

extension MessageStore {
    /// The stored messages with these ids (lower-case envelope ids), by id.
    func storedMessages(ids: [String]) async throws -> [String: StoredMessage] {
        guard !ids.isEmpty else { return [:] }
        let found = try await messages.find(["_id": ["$in": .array(ids.map(MongoValue.string))]])
        return Dictionary(found.map { ($0._id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension MessageStore: SearchEntryReader {
    public func searchEntries(
        tenantId: String, probe: SearchProbe, from: Date?, before: Date?, limit: Int
    ) async throws -> [SearchEntry] {
        // No sort: SecantusDB would sort every match in memory; the caller ranks what it gets.
        try await searchEntries.find(
            Self.searchFilter(tenantId: tenantId, probe: probe, from: from, before: before), limit: max(limit, 1))
    }

    /// The filter of a probe: equalities on an index's leading fields and one range on `created_at`, the only
    /// shape SecantusDB answers from a compound index.
    static func searchFilter(tenantId: String, probe: SearchProbe, from: Date?, before: Date?) -> MongoDocument {
        var query: MongoDocument = ["tenant_id": .string(tenantId)]
        switch probe {
        case .term(let term): query["terms"] = .string(term)
        case .customer(let customer): query["customer_id"] = .string(customer)
        case .intent(let intent): query["intent"] = .string(intent)
        case .tenant: break
        }
        var time: MongoDocument = [:]
        if let from { time["$gte"] = .date(from) }
        if let before { time["$lt"] = .date(before) }
        if !time.isEmpty { query["created_at"] = .document(time) }
        return query
    }

    public func searchEntries(ids: [String]) async throws -> [SearchEntry] {
        guard !ids.isEmpty else { return [] }
        // `_id` alone: with the tenant next to it, SecantusDB scans the collection.
        return try await searchEntries.find(["_id": ["$in": .array(ids.map(MongoValue.string))]])
    }

    public func answeredIntents(tenantId: String, messageIds ids: [String]) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        // A reply's entry carries the message it answered only when it carries an intent (``SearchEntry``).
        let replies = try await searchEntries.find(
            ["tenant_id": .string(tenantId), "reply_to": ["$in": .array(ids.map(MongoValue.string))]])
        var intents: [String: String] = [:]
        for reply in replies {
            guard let id = reply.reply_to, let intent = reply.intent else { continue }
            intents[id] = intent
        }
        return intents
    }
}
