import Foundation
public import SwitchboardCore
import SwitchboardMongo

extension SwitchboardDatabase: SessionStoring {
    public func pendingSurveys(keys: [String]) async throws -> [String: CSATSurvey] {
        try await surveys.surveys(keys: keys)
    }

    public func takeSurveys(_ answers: [String: String]) async throws {
        try await surveys.take(answers)
    }

    private struct Placement: Decodable, Sendable {
        var _id: String
        var session_id: String?
        var sequence: Int64?
        var session_events: [SwitchboardEvent]?
    }

    public func openSessions(customerIds: [String]) async throws -> [SessionRecord] {
        guard !customerIds.isEmpty else { return [] }
        // By `customer_id` alone, the status checked here: SecantusDB (the local database) answers an `$in` from
        // the `customer_status` index only without a second condition, and scans every session with one.
        let found = try await sessions.sessions.find(Self.sessionsFilter(customerIds: customerIds)).map(\.record)
        var latest: [String: SessionRecord] = [:]
        for session in found
        where session.status == .open
            && (latest[session.customerId]?.lastActivityAt ?? .distantPast) <= session.lastActivityAt
        {
            latest[session.customerId] = session
        }
        return Array(latest.values)
    }

    /// Every session of these customers, answered from the `customer_status` index.
    static func sessionsFilter(customerIds: [String]) -> MongoDocument {
        ["customer_id": ["$in": .array(customerIds.map { .string($0) })]]
    }

    public func placements(messageIds: [String]) async throws -> [String: MessagePlacement] {
        guard !messageIds.isEmpty else { return [:] }
        let found = try await messages.messages.find(
            ["_id": ["$in": .array(messageIds.map { .string($0) })]],
            projection: ["session_id": 1, "sequence": 1, "session_events": 1],
            as: Placement.self)
        var placements: [String: MessagePlacement] = [:]
        for placement in found {
            guard let sessionId = placement.session_id else { continue }
            placements[placement._id] = MessagePlacement(
                sessionId: sessionId, sequence: placement.sequence, events: placement.session_events ?? [])
        }
        return placements
    }

    private struct Placed: Decodable, Sendable {
        var session_id: String?
        var sequence: Int64?
        var created_at: Date
    }

    public func lastPlaced(sessions: [SessionRecord]) async throws -> [String: MessagePlacement.Latest] {
        var latest: [String: MessagePlacement.Latest] = [:]
        // A find on (tenant, session), which the tenant_session_sequence index serves; an aggregation would scan.
        for (tenantId, tenantSessions) in Dictionary(grouping: sessions, by: \.tenantId) {
            let found = try await messages.messages.find(
                [
                    "tenant_id": .string(tenantId),
                    "session_id": ["$in": .array(tenantSessions.map { .string($0.id) })],
                    "direction": "inbound",
                ], projection: ["session_id": 1, "sequence": 1, "created_at": 1], as: Placed.self)
            for message in found {
                guard let session = message.session_id, let sequence = message.sequence else { continue }
                let last = latest[session]
                latest[session] = MessagePlacement.Latest(
                    sequence: max(sequence, last?.sequence ?? sequence),
                    at: max(message.created_at, last?.at ?? message.created_at))
            }
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
        try await messages.insertManyIgnoringDuplicates(stored)
    }
}
