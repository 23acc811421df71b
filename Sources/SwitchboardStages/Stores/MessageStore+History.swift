import SwitchboardMongo

extension MessageStore {
    /// A session's latest `limit` messages numbered before `sequence` (the customer's earlier messages and
    /// the replies to them), oldest first. A message and the replies to it share its number, so the same
    /// message gives the same history on every redelivery.
    public func history(
        tenantId: String, sessionId: String, before sequence: Int64, limit: Int
    ) async throws -> [StoredMessage] {
        guard limit > 0 else { return [] }
        return try await messages.find(
            [
                "tenant_id": .string(tenantId), "session_id": .string(sessionId),
                "sequence": ["$lt": .int64(sequence)],
            ],
            sort: ["sequence": -1, "created_at": -1], limit: limit
        ).reversed()
    }
}
