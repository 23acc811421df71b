import Foundation
import SwitchboardCore
import SwitchboardMongo

/// The pipeline-maintained search index (`search_terms`), used where the database has no text index.
extension MessageStore {
    static let searchCollection = "search_terms"

    func createSearchIndexes() async throws {
        // Term lookups by time range, a customer's entries (the customer filter without text, erasure), and the
        // few entries with an intent (the intent filter without text).
        try await searchEntries.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "terms": 1, "created_at": -1], name: "tenant_terms"),
            MongoIndex(keys: ["tenant_id": 1, "customer_id": 1, "created_at": -1], name: "tenant_customer"),
            MongoIndex(
                keys: ["tenant_id": 1, "intent": 1, "created_at": -1], name: "tenant_intent",
                partialFilter: ["intent": ["$exists": true]]),
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

    /// Entries matching a term lookup: in `tenantId`, containing any of `terms` (all entries when empty), with
    /// `filter`'s other conditions, newest first, at most `limit`.
    func findSearchEntries(
        tenantId: String, terms: [String], filter: MongoDocument, limit: Int
    ) async throws -> [SearchEntry] {
        var query = filter
        query["tenant_id"] = .string(tenantId)
        if terms.count == 1 {
            query["terms"] = .string(terms[0])
        } else if !terms.isEmpty {
            query["terms"] = ["$in": .array(terms.map(MongoValue.string))]
        }
        // No sort: SecantusDB would sort every match in memory; the caller ranks what it gets.
        return try await searchEntries.find(query, limit: limit)
    }

    /// Deletes a tenant's entries of messages stored before `cutoff` (retention).
    func deleteSearchEntries(tenantId: String, createdBefore cutoff: Date) async throws -> Int {
        try await searchEntries.deleteMany(["tenant_id": .string(tenantId), "created_at": ["$lt": .date(cutoff)]])
    }
}

extension MessageStore {
    /// A stored reply, projected to the message it answers and its intent.
    private struct ReplyIntent: Decodable, Sendable {
        struct EnvelopeFields: Decodable, Sendable { var annotations: AnnotationFields? }
        struct AnnotationFields: Decodable, Sendable { var intent: String? }
        var reply_to: String?
        var envelope: EnvelopeFields?
    }

    /// The intent the bot answered each of these messages (lower-case envelope ids) with, read from the replies
    /// stored for them (their `replies` index): messages without such a reply are left out.
    func answeredIntents(messageIds ids: [String]) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let replies = try await messages.find(
            ["reply_to": ["$in": .array(ids.map(MongoValue.string))], "direction": "outbound"],
            projection: ["reply_to": 1, "envelope.annotations.intent": 1], as: ReplyIntent.self)
        var intents: [String: String] = [:]
        for reply in replies {
            guard let id = reply.reply_to, let intent = reply.envelope?.annotations?.intent else { continue }
            intents[id] = intent
        }
        return intents
    }

    /// The stored messages with these ids (lower-case envelope ids), by id.
    func storedMessages(ids: [String]) async throws -> [String: StoredMessage] {
        guard !ids.isEmpty else { return [:] }
        let found = try await messages.find(["_id": ["$in": .array(ids.map(MongoValue.string))]])
        return Dictionary(found.map { ($0._id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
