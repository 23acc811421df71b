public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Sessions: one open session per customer at a time, owned by the bot or a human.
public struct SessionStore: Sendable {
    struct SessionDocument: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var customer_id: String
        var status: String
        var last_activity_at: Date
        var next_sequence: Int64
        var session: SessionRecord

        init(_ session: SessionRecord) {
            _id = session.id
            tenant_id = session.tenantId
            customer_id = session.customerId
            status = session.status.rawValue
            last_activity_at = session.lastActivityAt
            next_sequence = session.nextSequence
            self.session = session
        }

        /// The record with the fields that atomic updates change taken from the top level.
        var record: SessionRecord {
            var record = session
            record.status = SessionRecord.Status(rawValue: status) ?? record.status
            record.lastActivityAt = last_activity_at
            record.nextSequence = next_sequence
            return record
        }
    }

    /// Who owns a session that humans own: one small document per such session, so the session stage can
    /// read the owners of a batch's sessions cheaply (sessions the bot owns have none).
    struct OwnerDocument: Codable, Sendable {
        var _id: String
        var owner: SessionOwner
    }

    let sessions: MongoCollection<SessionDocument>
    let owners: MongoCollection<OwnerDocument>

    init(client: MongoClient) {
        sessions = client.collection("sessions")
        owners = client.collection("session_owners")
    }

    func createIndexes() async throws {
        try await sessions.createIndexes([
            MongoIndex(keys: ["customer_id": 1, "status": 1], name: "customer_status")
        ])
    }

    /// The customer's open session, if any.
    public func openSession(tenantId: String, customerId: String) async throws -> SessionRecord? {
        try await sessions.findOne(
            ["tenant_id": .string(tenantId), "customer_id": .string(customerId), "status": "open"],
            sort: ["last_activity_at": -1]
        )?.record
    }

    public func session(id: String) async throws -> SessionRecord? {
        try await sessions.findOne(["_id": .string(id)])?.record
    }

    /// Inserts a new session; inserting the same id again (a redelivery) is not an error.
    public func insert(_ session: SessionRecord) async throws {
        do {
            try await sessions.insert(SessionDocument(session))
        } catch  where error.code == .duplicateKey {
            return
        }
    }

    /// Open sessions of a tenant whose last activity is before `cutoff`, oldest first.
    public func idleSessions(tenantId: String, before cutoff: Date, limit: Int = 500) async throws -> [SessionRecord] {
        try await sessions.find(
            ["tenant_id": .string(tenantId), "status": "open", "last_activity_at": ["$lt": .date(cutoff)]],
            sort: ["last_activity_at": 1], limit: limit
        ).map(\.record)
    }

    /// Marks an open session expired, unless it saw activity at or after `idleBefore` meanwhile. True when
    /// this call changed it.
    @discardableResult
    public func expire(sessionId: String, idleBefore: Date? = nil) async throws -> Bool {
        var filter: MongoDocument = ["_id": .string(sessionId), "status": "open"]
        if let idleBefore { filter["last_activity_at"] = ["$lt": .date(idleBefore)] }
        let result = try await sessions.updateOne(
            filter: filter,
            update: ["$set": ["status": "expired", "session.status": "expired"]], upsert: false)
        return result.modifiedCount > 0
    }

    /// Marks many open sessions expired with one unordered bulk write, each unless it saw activity at or after
    /// `idleBefore` meanwhile. Returns how many it changed.
    @discardableResult
    public func expire(sessionIds: [String], idleBefore: Date) async throws -> Int {
        let models: [MongoWriteModel<SessionDocument>] = sessionIds.map { id in
            .updateOne(
                filter: ["_id": .string(id), "status": "open", "last_activity_at": ["$lt": .date(idleBefore)]],
                update: ["$set": ["status": "expired", "session.status": "expired"]])
        }
        return try await sessions.bulkWrite(models, ordered: false).modifiedCount
    }

    /// Sets who owns the session (bot or a human), with the handover that caused it.
    public func setOwner(sessionId: String, owner: SessionOwner, handover: SessionRecord.Handover?) async throws {
        var fields: MongoDocument = ["session.owner": try MongoValue(encoding: owner)]
        fields["session.handover"] = try handover.map { try MongoValue(encoding: $0) } ?? .null
        _ = try await sessions.updateOne(filter: ["_id": .string(sessionId)], update: ["$set": .document(fields)])
        if owner.isHuman {
            _ = try await owners.replaceOne(
                filter: ["_id": .string(sessionId)], replacement: OwnerDocument(_id: sessionId, owner: owner),
                upsert: true)
        } else {
            _ = try await owners.deleteMany(["_id": .string(sessionId)])
        }
    }
}
