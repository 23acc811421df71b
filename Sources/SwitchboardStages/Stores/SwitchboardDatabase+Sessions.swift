import Foundation
public import SwitchboardCore
import SwitchboardMongo

extension SwitchboardDatabase: SessionStoring {
    private struct Placement: Decodable, Sendable {
        var _id: String
        var session_id: String?
        var sequence: Int64?
    }

    public func openSessions(customerIds: [String]) async throws -> [SessionRecord] {
        guard !customerIds.isEmpty else { return [] }
        let found = try await sessions.sessions.find([
            "customer_id": ["$in": .array(customerIds.map { .string($0) })], "status": "open",
        ]).map(\.record)
        var latest: [String: SessionRecord] = [:]
        for session in found
        where (latest[session.customerId]?.lastActivityAt ?? .distantPast) <= session.lastActivityAt {
            latest[session.customerId] = session
        }
        return Array(latest.values)
    }

    public func placements(messageIds: [String]) async throws -> [String: MessagePlacement] {
        guard !messageIds.isEmpty else { return [:] }
        let found = try await messages.messages.find(
            ["_id": ["$in": .array(messageIds.map { .string($0) })]], projection: ["session_id": 1, "sequence": 1],
            as: Placement.self)
        var placements: [String: MessagePlacement] = [:]
        for placement in found {
            guard let sessionId = placement.session_id else { continue }
            placements[placement._id] = MessagePlacement(sessionId: sessionId, sequence: placement.sequence)
        }
        return placements
    }

    private struct Latest: Decodable, Sendable {
        var _id: String
        var sequence: Int64?
        var at: Date?
    }

    public func lastPlaced(sessionIds: [String]) async throws -> [String: MessagePlacement.Latest] {
        guard !sessionIds.isEmpty else { return [:] }
        let found = try await messages.messages.aggregate(
            [
                ["$match": ["session_id": ["$in": .array(sessionIds.map { .string($0) })], "direction": "inbound"]],
                ["$group": ["_id": "$session_id", "sequence": ["$max": "$sequence"], "at": ["$max": "$created_at"]]],
            ], as: Latest.self)
        var latest: [String: MessagePlacement.Latest] = [:]
        for entry in found {
            guard let sequence = entry.sequence, let at = entry.at else { continue }
            latest[entry._id] = MessagePlacement.Latest(sequence: sequence, at: at)
        }
        return latest
    }

    public func humanOwners(sessionIds: [String]) async throws -> [String: SessionOwner] {
        guard !sessionIds.isEmpty else { return [:] }
        let found = try await sessions.owners.find(["_id": ["$in": .array(sessionIds.map { .string($0) })]])
        return Dictionary(found.map { ($0._id, $0.owner) }, uniquingKeysWith: { first, _ in first })
    }

    public func apply(_ writes: SessionWrites) async throws -> Bool {
        guard !writes.isEmpty else { return true }
        var models: [MongoWriteModel<SessionStore.SessionDocument>] = []
        for session in writes.created {
            guard case .document(var fields) = try MongoValue(encoding: SessionStore.SessionDocument(session)) else {
                continue
            }
            fields["_id"] = nil
            models.append(
                .updateOne(
                    filter: ["_id": .string(session.id)], update: ["$setOnInsert": .document(fields)], upsert: true))
        }
        for session in writes.advanced {
            // $max: a late or repeated write never moves a session back.
            models.append(
                .updateOne(
                    filter: ["_id": .string(session.id), "status": "open"],
                    update: [
                        "$max": [
                            "next_sequence": .int64(session.nextSequence),
                            "last_activity_at": .date(session.lastActivityAt),
                        ]
                    ]))
        }
        for id in writes.expired {
            models.append(
                .updateOne(
                    filter: ["_id": .string(id)], update: ["$set": ["status": "expired", "session.status": "expired"]]))
        }
        let result = try await sessions.sessions.bulkWrite(models, ordered: false)
        return result.matchedCount + result.upsertedCount >= models.count
    }

    public func insertMessages(_ stored: [MessageStore.StoredMessage]) async throws -> [Int] {
        try await messages.messages.insertManyIgnoringDuplicates(stored).duplicateIndexes
    }
}
