public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Hand-over notifications in MongoDB (`notifications`), keyed by the notification id (derived from the
/// hand-over id and the event): the insert is the idempotency check, and `finished_targets` records each
/// target as it is done, so a re-driven notification goes only to the targets still owed. Kept 30 days (a TTL
/// index on `created_at`).
public struct NotificationStore: NotificationStoring {
    struct Document: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var status: String
        var created_at: Date
        var claimed_until: Date
        /// Keys (``NotificationTarget/key``) of the targets finished with.
        var finished_targets: [String]
        var notification: HandoverNotification
    }

    private let notifications: MongoCollection<Document>

    /// How long a notification is kept: 30 days.
    public static let retention = Duration.seconds(30 * 86_400)

    init(client: MongoClient) {
        notifications = client.collection("notifications")
    }

    func createIndexes() async throws {
        try await notifications.createIndexes([
            MongoIndex(keys: ["status": 1, "claimed_until": 1], name: "status_claimed_until"),
            // Long after any redelivery or re-drive could come, the server deletes them.
            MongoIndex(keys: ["created_at": 1], name: "expires", expireAfter: Self.retention),
        ])
    }

    public func insertIfNew(_ notification: HandoverNotification, claimedUntil: Date) async throws -> Bool {
        do {
            try await notifications.insert(
                Document(
                    _id: notification.id, tenant_id: notification.tenantId, status: "pending",
                    created_at: notification.occurredAt, claimed_until: claimedUntil, finished_targets: [],
                    notification: notification))
            return true
        } catch  where error.code == .duplicateKey {
            return false
        }
    }

    public func unclaimed(at now: Date, limit: Int) async throws -> [PendingNotification] {
        try await notifications.find(
            ["status": "pending", "claimed_until": ["$lte": .date(now)]], sort: ["claimed_until": 1], limit: limit
        ).map { PendingNotification(notification: $0.notification, finishedTargets: Set($0.finished_targets)) }
    }

    public func claim(id: String, at now: Date, until: Date) async throws -> Bool {
        let result = try await notifications.updateOne(
            filter: ["_id": .string(id), "status": "pending", "claimed_until": ["$lte": .date(now)]],
            update: ["$set": ["claimed_until": .date(until)]])
        return result.modifiedCount > 0
    }

    public func extendClaim(id: String, until: Date) async throws {
        try await notifications.updateOne(
            filter: ["_id": .string(id), "status": "pending"], update: ["$set": ["claimed_until": .date(until)]])
    }

    public func finishTarget(id: String, target: String) async throws {
        try await notifications.updateOne(
            filter: ["_id": .string(id)], update: ["$addToSet": ["finished_targets": .string(target)]])
    }

    public func finish(id: String) async throws {
        try await notifications.updateOne(filter: ["_id": .string(id)], update: ["$set": ["status": "done"]])
    }
}
