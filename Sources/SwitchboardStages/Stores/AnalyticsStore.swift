public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Analytics facts in MongoDB: `analytics_records` (one document per counted record, under its id, no
/// personal data) and `analytics_sessions` (one per session, merged with `$min`, `$max`, `$set` and
/// `$addToSet`, naming the customer: erased with them). A batch costs one unordered insert and one bulk
/// update; a report reads both collections by tenant and time.
public struct AnalyticsStore: AnalyticsStoring {
    private let records: MongoCollection<AnalyticsRecordFact>
    private let sessions: MongoCollection<AnalyticsSessionFact>

    init(client: MongoClient) {
        records = client.collection("analytics_records")
        sessions = client.collection("analytics_sessions")
    }

    func createIndexes() async throws {
        try await records.createIndexes([MongoIndex(keys: ["tenant_id": 1, "at": 1], name: "tenant_at")])
        try await sessions.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "started_at": 1], name: "tenant_started_at")
        ])
    }

    public func record(
        _ facts: [AnalyticsRecordFact], sessions changes: [AnalyticsSessionChange]
    ) async throws -> [AnalyticsRecordFact] {
        // Facts first: a crash before the session updates redoes them on redelivery, and they are idempotent.
        let inserted = try await records.insertManyIgnoringDuplicates(facts)
        let duplicates = Set(inserted.duplicateIndexes)
        try await sessions.bulkWrite(changes.map(Self.update), ordered: false)
        return facts.enumerated().filter { !duplicates.contains($0.offset) }.map(\.element)
    }

    public func removeSessions(tenantId: String, customerId: String) async throws {
        try await sessions.deleteMany(["tenant_id": .string(tenantId), "customer_id": .string(customerId)])
    }

    public func facts(
        tenantId: String, since: Date, until: Date
    ) async throws -> (records: [AnalyticsRecordFact], sessions: [AnalyticsSessionFact]) {
        let window: MongoDocument = ["$gte": .date(since), "$lt": .date(until)]
        let found = try await records.find(["tenant_id": .string(tenantId), "at": .document(window)])
        let started = try await sessions.find(["tenant_id": .string(tenantId), "started_at": .document(window)])
        return (found, started)
    }

    static func update(_ change: AnalyticsSessionChange) -> MongoWriteModel<AnalyticsSessionFact> {
        var onInsert: MongoDocument = ["tenant_id": .string(change.tenantId)]
        if let customer = change.customerId { onInsert["customer_id"] = .string(customer) }
        if let channel = change.channel { onInsert["channel"] = .string(channel) }
        var update: MongoDocument = ["$setOnInsert": .document(onInsert)]
        var earliest = MongoDocument()
        for (field, date) in change.earliest { earliest[field.path] = .date(date) }
        if !earliest.isEmpty { update["$min"] = .document(earliest) }
        var latest = MongoDocument()
        for (field, date) in change.latest { latest[field.path] = .date(date) }
        if !latest.isEmpty { update["$max"] = .document(latest) }
        var set = MongoDocument()
        for value in change.values {
            switch value {
            case .handoverReason(let id, let reason): set["handovers.\(id).reason"] = .string(reason)
            case .handoverAgent(let id, let agent): set["handovers.\(id).agent_id"] = .string(agent)
            case .handoverHandleSeconds(let id, let seconds): set["handovers.\(id).handle_seconds"] = .double(seconds)
            case .csat(let score, let agentId):
                set["csat"] = .int64(Int64(score))
                if let agentId { set["csat_agent"] = .string(agentId) }
            }
        }
        if !set.isEmpty { update["$set"] = .document(set) }
        if !change.agents.isEmpty {
            update["$addToSet"] = ["agents": ["$each": .array(change.agents.map(MongoValue.string))]]
        }
        return .updateOne(filter: ["_id": .string(change.sessionId)], update: update, upsert: true)
    }
}
