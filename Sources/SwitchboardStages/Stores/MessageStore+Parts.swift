public import Foundation
import SwitchboardMongo

extension MessageStore: OutboundPartLedger {
    public func claimPart(id: UUID, index: Int, instance: String, at: Date) async throws -> Bool {
        let result = try await messages.updateOne(
            filter: [
                "_id": .string(id.uuidString.lowercased()), "sent_parts.\(index)": ["$exists": false],
                "sending_parts.\(index)": ["$exists": false],
            ],
            update: ["$set": .document(["sending_parts.\(index)": ["by": .string(instance), "at": .date(at)]])],
            journaled: true)
        return result.modifiedCount == 1
    }

    public func partState(id: UUID, index: Int) async throws -> OutboundPartState {
        guard let message = try await message(id: id) else { return OutboundPartState() }
        let claim = message.sending_parts?[String(index)]
        return OutboundPartState(
            sentAs: message.sent_parts?[String(index)], claimedBy: claim?.by, claimedAt: claim?.at)
    }

    /// Records that part `index` of an outbound message went out as `providerMessageId` (see
    /// ``StoredMessage/sent_parts``) and drops its claim.
    public func recordSentPart(id: UUID, index: Int, providerMessageId: String) async throws {
        _ = try await messages.updateOne(
            filter: ["_id": .string(id.uuidString.lowercased())],
            update: [
                "$set": .document(["sent_parts.\(index)": .string(providerMessageId)]),
                "$unset": .document(["sending_parts.\(index)": ""]),
            ])
    }

    public func releasePart(id: UUID, index: Int, instance: String) async throws {
        _ = try await messages.updateOne(
            filter: ["_id": .string(id.uuidString.lowercased()), "sending_parts.\(index).by": .string(instance)],
            update: ["$unset": .document(["sending_parts.\(index)": ""])])
    }

    public func renewClaim(id: UUID, index: Int, instance: String, at: Date) async throws -> Bool {
        let result = try await messages.updateOne(
            filter: [
                "_id": .string(id.uuidString.lowercased()), "sent_parts.\(index)": ["$exists": false],
                "sending_parts.\(index).by": .string(instance),
            ],
            update: ["$set": .document(["sending_parts.\(index).at": .date(at)])],
            journaled: true)
        return result.matchedCount == 1
    }
}
