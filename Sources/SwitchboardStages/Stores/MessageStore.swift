public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Every message, inbound and outbound, keyed by its envelope id so a redelivered one is stored once.
public struct MessageStore: Sendable {
    /// A stored message: the envelope plus the fields its queries use.
    public struct StoredMessage: Codable, Sendable {
        public var _id: String
        public var tenant_id: String
        public var channel: String
        public var direction: String
        public var customer_id: String?
        public var session_id: String?
        public var conversation_id: String?
        public var external_id: String
        public var sequence: Int64?
        public var reply_to: String?
        public var created_at: Date
        /// `received` (inbound); outbound: `pending`, `sent`, `delivered`, `read` or `failed`.
        public var status: String
        /// The channel provider's id of an outbound message once sent (status webhooks refer to it).
        public var provider_message_id: String?
        /// Why delivery failed, in the provider's words.
        public var error: String?
        /// An outbound message sent in several parts: the provider ids of the parts already sent, keyed by
        /// part index (`"0"`, `"1"`, ...), so a redelivery sends only the rest.
        public var sent_parts: [String: String]?
        /// Parts being sent: who claimed each and when (``OutboundPartFence``).
        public var sending_parts: [String: PartClaim]? = nil
        public var envelope: Envelope
        /// The session events storing this message raised (it started a session): set by the session stage,
        /// so that a redelivery emits them again.
        public var session_events: [SwitchboardEvent]? = nil
        /// Inbound media: whether it was fetched and stored, or why not (set by channel-webhook's media fetch).
        public var media_status: MediaStatus? = nil

        public init(_ envelope: Envelope, status: String, at time: Date) {
            _id = envelope.id.uuidString.lowercased()
            tenant_id = envelope.tenantId
            channel = envelope.channel.rawValue
            direction = envelope.direction.rawValue
            customer_id = envelope.customerId
            session_id = envelope.sessionId
            conversation_id = envelope.conversationId
            external_id = envelope.externalId
            sequence = envelope.sequence
            reply_to = envelope.replyTo?.uuidString.lowercased()
            created_at = time
            self.status = status
            self.envelope = envelope
        }
    }

    let messages: MongoCollection<StoredMessage>
    /// Status webhooks that came before the provider's id was recorded (see `MessageStore+DeliveryStatus`).
    let earlyStatuses: MongoCollection<EarlyStatus>
    /// The pipeline-maintained search index (`MessageStore+Search`).
    let searchEntries: MongoCollection<SearchEntry>

    init(client: MongoClient) {
        messages = client.collection("messages")
        earlyStatuses = client.collection("early_delivery_statuses")
        searchEntries = client.collection(Self.searchCollection)
    }

    func createIndexes() async throws {
        // Every message written costs an entry in each index, so only indexes a read path uses; the one only
        // some messages need is partial: `provider_message_id` (sent through a provider). The agent desk reads a
        // customer's history across channels by tenant and customer.
        try await messages.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "customer_id": 1, "created_at": 1], name: "tenant_customer"),
            MongoIndex(keys: ["tenant_id": 1, "session_id": 1, "sequence": 1], name: "tenant_session_sequence"),
            MongoIndex(keys: ["tenant_id": 1, "conversation_id": 1, "created_at": 1], name: "tenant_conversation"),
            // Not partial: SecantusDB (the local database) scans the whole collection rather than use a partial
            // index for `reply_to` equality, which web chat asks per answer it waits for.
            MongoIndex(keys: ["reply_to": 1, "direction": 1], name: "reply_to_direction"),
            MongoIndex(
                keys: ["tenant_id": 1, "provider_message_id": 1], name: "tenant_provider_message_sent",
                partialFilter: ["provider_message_id": ["$exists": true]]),
        ])
        try await earlyStatuses.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "provider_message_id": 1], name: "tenant_provider_message"),
            MongoIndex(keys: ["received_at": 1], name: "expiry", expireAfter: Self.earlyStatusRetention),
        ])
        try await createSearchIndexes()
    }

    /// Stores the message unless one with the same envelope id exists. True when this call stored it.
    @discardableResult
    public func insertIfNew(_ message: StoredMessage) async throws -> Bool {
        do {
            try await messages.insert(message)
        } catch  where error.code == .duplicateKey {
            return false
        }
        try await indexForSearch([message])
        return true
    }

    /// Stores messages with one unordered bulk insert, and their search entries with another; returns the
    /// positions of those already stored.
    public func insertManyIgnoringDuplicates(_ stored: [StoredMessage]) async throws -> [Int] {
        let duplicates = try await messages.insertManyIgnoringDuplicates(stored).duplicateIndexes
        try await indexForSearch(stored)
        return duplicates
    }

    /// The stored messages with these envelope ids, by id.
    public func messages(ids: [UUID]) async throws -> [String: StoredMessage] {
        guard !ids.isEmpty else { return [:] }
        let found = try await messages.find(["_id": ["$in": .array(ids.map { .string($0.uuidString.lowercased()) })]])
        return Dictionary(found.map { ($0._id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func message(id: UUID) async throws -> StoredMessage? {
        try await messages.findOne(["_id": .string(id.uuidString.lowercased())])
    }

    /// The stored reply to an inbound message, if one was delivered.
    public func reply(to id: UUID) async throws -> StoredMessage? {
        try await messages.findOne(Self.replyFilter(to: id))
    }

    /// The filter of ``reply(to:)``, answered from the `reply_to_direction` index.
    static func replyFilter(to id: UUID) -> MongoDocument {
        ["reply_to": .string(id.uuidString.lowercased()), "direction": "outbound"]
    }

    /// A conversation's messages in order; with `since`, only those stored at or after it.
    public func conversation(
        tenantId: String, conversationId: String, since: Date? = nil, limit: Int = 500
    ) async throws
        -> [StoredMessage]
    {
        var filter: MongoDocument = ["tenant_id": .string(tenantId), "conversation_id": .string(conversationId)]
        if let since { filter["created_at"] = ["$gte": .date(since)] }
        return try await messages.find(filter, sort: ["created_at": 1, "sequence": 1], limit: limit)
    }

    /// A customer's latest `limit` messages on every channel, oldest first (the agent desk's history).
    public func customer(tenantId: String, customerId: String, limit: Int = 200) async throws -> [StoredMessage] {
        try await messages.find(
            ["tenant_id": .string(tenantId), "customer_id": .string(customerId)],
            sort: ["created_at": -1, "sequence": -1], limit: limit
        ).reversed()
    }

    /// A session's messages in order.
    public func session(tenantId: String, sessionId: String, limit: Int = 500) async throws -> [StoredMessage] {
        try await messages.find(
            ["tenant_id": .string(tenantId), "session_id": .string(sessionId)],
            sort: ["created_at": 1, "sequence": 1], limit: limit)
    }

    /// Counts messages matching simple field equalities (for tests and the CLI).
    public func count(tenantId: String, direction: Direction? = nil) async throws -> Int {
        var filter: MongoDocument = ["tenant_id": .string(tenantId)]
        if let direction { filter["direction"] = .string(direction.rawValue) }
        return try await messages.count(filter)
    }

    /// Updates an outbound message's delivery status, with the provider's id once sent or its error.
    public func setStatus(
        id: UUID, status: String, providerMessageId: String? = nil, error: String? = nil
    ) async throws {
        var fields: MongoDocument = ["status": .string(status)]
        if let providerMessageId { fields["provider_message_id"] = .string(providerMessageId) }
        if let error { fields["error"] = .string(error) }
        _ = try await messages.updateOne(
            filter: ["_id": .string(id.uuidString.lowercased())], update: ["$set": .document(fields)])
    }

    /// Makes a `failed` outbound message `pending` again, without its error, for another delivery attempt.
    public func retryFailed(id: UUID) async throws {
        _ = try await messages.updateOne(
            filter: ["_id": .string(id.uuidString.lowercased()), "status": "failed"],
            update: ["$set": ["status": "pending"], "$unset": ["error": ""]])
    }

    /// Who is sending a part of an outbound message, and since when.
    public struct PartClaim: Codable, Sendable, Hashable {
        public var by: String
        public var at: Date
    }

    /// Applies a status webhook to the outbound message the provider knows as `providerMessageId`. States
    /// only move forward (sent, delivered, read); `failed` applies from any state. Returns whether a stored
    /// message changed.
    @discardableResult
    public func applyDeliveryStatus(
        tenantId: String, providerMessageId: String, state: DeliveryStatus.State, error: String?
    ) async throws -> Bool {
        let earlier: [String]
        switch state {
        case .sent: earlier = ["pending"]
        case .delivered: earlier = ["pending", "sent"]
        case .read: earlier = ["pending", "sent", "delivered"]
        case .failed: earlier = ["pending", "sent", "delivered", "read"]
        }
        var fields: MongoDocument = ["status": .string(state.rawValue)]
        if let error { fields["error"] = .string(error) }
        let result = try await messages.updateOne(
            filter: [
                "tenant_id": .string(tenantId), "provider_message_id": .string(providerMessageId),
                "status": ["$in": .array(earlier.map { .string($0) })],
            ],
            update: ["$set": .document(fields)])
        return result.modifiedCount > 0
    }
}

extension MessageStore {
    /// Deletes a tenant's messages stored before `cutoff` (retention); returns how many.
    public func deleteMessages(tenantId: String, createdBefore cutoff: Date) async throws -> Int {
        let deleted = try await messages.deleteMany(
            ["tenant_id": .string(tenantId), "created_at": ["$lt": .date(cutoff)]])
        _ = try await deleteSearchEntries(tenantId: tenantId, createdBefore: cutoff)
        return deleted
    }
}
