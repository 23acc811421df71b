public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Handovers to human agents: waiting, claimed, resolved; with their wait and handle times in seconds
/// (`wait_seconds`, `handle_seconds`) once known.
public struct HandoverStore: Sendable {
    struct HandoverDocument: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var session_id: String
        var status: String
        var created_at: Date
        /// Seconds from the request to the first claim, once claimed: for reports that query the store.
        var wait_seconds: Double?
        /// Seconds from the first claim to the resolve, once resolved.
        var handle_seconds: Double?
        var handover: HandoverRecord

        init(_ record: HandoverRecord) {
            _id = record.id
            tenant_id = record.tenantId
            session_id = record.sessionId
            status = record.status.rawValue
            created_at = record.createdAt
            wait_seconds = record.waitTime
            handle_seconds = record.handleTime
            handover = record
        }
    }

    private let handovers: MongoCollection<HandoverDocument>

    init(client: MongoClient) {
        handovers = client.collection("handovers")
    }

    func createIndexes() async throws {
        try await handovers.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "status": 1, "created_at": 1], name: "tenant_status_created"),
            MongoIndex(keys: ["tenant_id": 1, "session_id": 1, "status": 1], name: "tenant_session_status"),
        ])
    }

    /// Inserts a handover; the same id again (a redelivery) is not an error. True when this call stored it.
    @discardableResult
    public func insertIfNew(_ record: HandoverRecord) async throws -> Bool {
        do {
            try await handovers.insert(HandoverDocument(record))
            return true
        } catch  where error.code == .duplicateKey {
            return false
        }
    }

    /// The session's handover that is not resolved yet, if any.
    public func active(tenantId: String, sessionId: String) async throws -> HandoverRecord? {
        try await handovers.findOne([
            "tenant_id": .string(tenantId), "session_id": .string(sessionId),
            "status": ["$in": ["waiting", "claimed"]],
        ])?.handover
    }

    public func handover(tenantId: String, id: String) async throws -> HandoverRecord? {
        try await handovers.findOne(["_id": .string(id), "tenant_id": .string(tenantId)])?.handover
    }

    /// A tenant's handovers in a status (only `agentId`'s when given), oldest first.
    public func list(
        tenantId: String, status: HandoverRecord.Status, agentId: String? = nil, limit: Int = 100
    ) async throws -> [HandoverRecord] {
        var filter: MongoDocument = ["tenant_id": .string(tenantId), "status": .string(status.rawValue)]
        if let agentId { filter["handover.agent_id"] = .string(agentId) }
        return try await handovers.find(filter, sort: ["created_at": 1], limit: limit).map(\.handover)
    }

    /// Saves a transition, only if the stored handover still has the status and agent of `expected`, the
    /// state it was computed from (optimistic concurrency: of two transfers of one claimed handover, only
    /// the first is stored). False when someone else changed it first.
    public func replace(_ record: HandoverRecord, expecting expected: HandoverRecord) async throws -> Bool {
        let result = try await handovers.replaceOne(
            filter: [
                "_id": .string(record.id), "status": .string(expected.status.rawValue),
                "handover.agent_id": expected.agentId.map { .string($0) } ?? .null,
            ],
            replacement: HandoverDocument(record))
        return result.matchedCount > 0
    }

    /// A tenant's waiting handovers created before `cutoff` and not escalated yet, oldest first.
    public func dueForEscalation(
        tenantId: String, createdBefore cutoff: Date, limit: Int = 100
    ) async throws
        -> [HandoverRecord]
    {
        try await handovers.find(
            [
                "tenant_id": .string(tenantId), "status": "waiting", "created_at": ["$lte": .date(cutoff)],
                "handover.escalated_at": .null,
            ], sort: ["created_at": 1], limit: limit
        ).map(\.handover)
    }

    /// Marks a waiting handover escalated at `time`, only if nobody did yet (another replica, an earlier
    /// run): true when this call marked it.
    public func markEscalated(tenantId: String, id: String, at time: Date) async throws -> Bool {
        let result = try await handovers.updateOne(
            filter: [
                "_id": .string(id), "tenant_id": .string(tenantId), "status": "waiting",
                "handover.escalated_at": .null,
            ],
            update: ["$set": ["handover.escalated_at": .date(time)]])
        return result.modifiedCount > 0
    }
}
