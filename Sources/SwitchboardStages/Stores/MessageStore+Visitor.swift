public import Foundation
import SwitchboardMongo

extension MessageStore {
    /// One page of a web chat visitor's conversation, newest last.
    public struct VisitorPage: Sendable {
        /// The page's messages, oldest first.
        public var messages: [StoredMessage]
        /// Whether older messages exist (ask again with `before` = the first message's id).
        public var hasOlder: Bool
    }

    /// The newest `limit` messages of `userId` in `conversationId` on `channel`, older than the message
    /// `before` names when given. The visitor filter is part of the query, so the limit counts only the
    /// visitor's own messages.
    public func visitorPage(
        tenantId: String, conversationId: String, userId: String, channel: String, before: StoredMessage?,
        limit: Int
    ) async throws -> VisitorPage {
        var filter: MongoDocument = [
            "tenant_id": .string(tenantId), "conversation_id": .string(conversationId),
            "external_id": .string(userId), "channel": .string(channel),
        ]
        // Messages stored in the same millisecond as the cursor are told apart by id; a page reads a few
        // more than asked for so that they do not shorten it.
        let slack = 32
        if let before { filter["created_at"] = ["$lte": .date(before.created_at)] }
        let found: [StoredMessage] = try await messages.find(
            filter, sort: ["created_at": -1, "_id": -1], limit: limit + 1 + (before == nil ? 0 : slack))
        let older = found.filter { message in
            guard let before else { return true }
            return message.created_at < before.created_at || message._id < before._id
        }
        return VisitorPage(messages: Array(older.prefix(limit).reversed()), hasOlder: older.count > limit)
    }

    /// Whether `conversationId` of `tenantId` holds any message other than `except` and the replies to it:
    /// a visitor without a token may open a conversation by naming it only while it is new.
    public func conversationExists(tenantId: String, conversationId: String, except: UUID) async throws -> Bool {
        let id = except.uuidString.lowercased()
        let found: [StoredMessage] = try await messages.find(
            ["tenant_id": .string(tenantId), "conversation_id": .string(conversationId)], sort: ["created_at": 1],
            limit: 8)
        return found.contains { $0._id != id && $0.reply_to != id }
    }
}
