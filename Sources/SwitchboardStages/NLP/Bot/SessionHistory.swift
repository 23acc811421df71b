public import SwitchboardCore

/// Where the bot reads a session's earlier messages (the context of a language model).
public protocol SessionHistory: Sendable {
    /// The latest `limit` messages of the session numbered before `sequence`, oldest first.
    func recent(
        tenantId: String, sessionId: String, before sequence: Int64, limit: Int
    ) async throws
        -> [BotContextMessage]
}

extension MessageStore: SessionHistory {
    public func recent(
        tenantId: String, sessionId: String, before sequence: Int64, limit: Int
    ) async throws -> [BotContextMessage] {
        try await history(tenantId: tenantId, sessionId: sessionId, before: sequence, limit: limit).compactMap {
            guard let text = $0.envelope.content?.textForUnderstanding, !text.isEmpty else { return nil }
            return BotContextMessage(author: $0.direction == "inbound" ? .customer : .business, text: text)
        }
    }
}
