public import Foundation
import SwitchboardMongo

extension MessageStore {
    /// Records what became of the media of message `id` (`media_status`); false when no such message is
    /// stored (yet). A stored file is never overwritten by a later failure.
    @discardableResult
    public func recordMedia(_ status: MediaStatus, messageId id: UUID) async throws -> Bool {
        var filter: MongoDocument = ["_id": .string(id.uuidString.lowercased())]
        if status.state == .failed { filter["media_status.state"] = ["$ne": "stored"] }
        let result = try await messages.updateOne(
            filter: filter, update: ["$set": ["media_status": try MongoValue(encoding: status)]])
        if result.matchedCount > 0 { return true }
        // A failure not recorded because the media is stored already counts as recorded.
        guard status.state == .failed else { return false }
        return try await message(id: id) != nil
    }
}
