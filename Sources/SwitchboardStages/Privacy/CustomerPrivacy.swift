public import Foundation
public import Logging
public import SwitchboardCore
public import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime

/// The right of access and the right to erasure: everything stored about one customer of one tenant, exported
/// as JSON or erased.
///
/// What is stored about a customer, by collection: `profiles` (the profile), `identities` (their channel
/// addresses), `sessions` and `session_owners`, `messages` (both directions, with the envelopes) and their
/// `search_terms` (the search index), `handovers`
/// of their sessions and the `notifications` sent about them, and `early_delivery_statuses` of messages sent
/// to them, `analytics_sessions` (analytics' facts of their sessions) and `csat_surveys` (a survey waiting
/// for their answer). ``collections`` lists them; a
/// test holds the list against every collection the database has.
public struct CustomerPrivacy: Sendable {
    /// The collections that hold data about customers, in the order an erasure clears them.
    public static let collections = [
        "media.chunks", "media.files", "messages", "search_terms", "early_delivery_statuses", "notifications",
        "handovers", "session_owners",
        "sessions", "identities", "profiles", "analytics_sessions", "csat_surveys",
    ]
    /// The collections that hold nothing about any one customer (agents, operations, fences).
    public static let otherCollections = [
        "agent_accounts", "agent_sessions", "checks", "durability_barrier", "erasures", "analytics_records",
    ]

    /// Everything stored about a customer, by collection, each document as stored (relaxed Extended JSON).
    public struct Export: Sendable, Codable, Hashable {
        public var format = "switchboard-customer-export"
        public var version = 1
        public var tenantId: String
        public var customerId: String
        public var exportedAt: Date
        public var collections: [String: [JSONValue]]

        enum CodingKeys: String, CodingKey {
            case format, version, collections
            case tenantId = "tenant_id"
            case customerId = "customer_id"
            case exportedAt = "exported_at"
        }

        /// How many documents it holds.
        public var documentCount: Int { collections.values.reduce(0) { $0 + $1.count } }
    }

    let client: MongoClient
    let erasureStore: ErasureStore

    public init(database: SwitchboardDatabase) {
        client = database.client
        erasureStore = database.erasures
    }

    /// The filter that finds the customer's documents in each collection.
    private func filters(tenantId: String, customerId: String) async throws -> [String: MongoDocument] {
        let owned: MongoDocument = ["tenant_id": .string(tenantId), "customer_id": .string(customerId)]
        struct IdOnly: Codable, Sendable { var _id: String }
        struct ProviderId: Codable, Sendable { var provider_message_id: String? }
        let sessionIds = try await client.collection("sessions", as: IdOnly.self)
            .find(owned, projection: ["_id": 1], as: IdOnly.self).map { MongoValue.string($0._id) }
        let providerIds = try await client.collection("messages", as: ProviderId.self)
            .find(
                ["tenant_id": .string(tenantId), "customer_id": .string(customerId), "direction": "outbound"],
                projection: ["provider_message_id": 1], as: ProviderId.self
            ).compactMap { $0.provider_message_id.map(MongoValue.string) }
        let mediaIds = try await client.collection("media.files", as: IdOnly.self)
            .find(
                ["metadata.tenant_id": .string(tenantId), "metadata.customer_id": .string(customerId)],
                projection: ["_id": 1], as: IdOnly.self
            ).map { MongoValue.string($0._id) }
        return [
            "media.files": ["_id": ["$in": .array(mediaIds)]],
            "media.chunks": ["files_id": ["$in": .array(mediaIds)]],
            "profiles": ["_id": .string(customerId), "tenant_id": .string(tenantId)],
            "identities": owned,
            "sessions": owned,
            "analytics_sessions": owned,
            "csat_surveys": owned,
            "session_owners": ["_id": ["$in": .array(sessionIds)]],
            "messages": owned,
            "search_terms": owned,
            "handovers": ["tenant_id": .string(tenantId), "session_id": ["$in": .array(sessionIds)]],
            "notifications": ["tenant_id": .string(tenantId), "notification.customer_id": .string(customerId)],
            "early_delivery_statuses": [
                "tenant_id": .string(tenantId), "provider_message_id": ["$in": .array(providerIds)],
            ],
        ]
    }

    /// Everything stored about the customer. Empty collections are listed with no documents.
    public func export(tenantId: String, customerId: String, at now: Date = Date()) async throws -> Export {
        var collections: [String: [JSONValue]] = [:]
        for (name, filter) in try await filters(tenantId: tenantId, customerId: customerId) {
            collections[name] = try await client.collection(name, as: JSONValue.self).find(filter)
        }
        return Export(tenantId: tenantId, customerId: customerId, exportedAt: now, collections: collections)
    }

    /// What an erasure did.
    public struct Erased: Sendable, Hashable {
        /// Documents deleted, by collection.
        public var deleted: [String: Int]
        /// Whether the batches the stages had in hand when the erasure was recorded were seen to finish before
        /// the deletion (false: the wait timed out; erasing again later clears anything such a batch wrote).
        public var inFlightDrained: Bool

        public var total: Int { deleted.values.reduce(0, +) }
    }

    /// Erases everything stored about the customer.
    ///
    /// 1. The erasure is recorded (journaled): from then on every stage that stores or sends drops the
    ///    customer's records still in flight, and a later message from the same address starts a new profile.
    /// 2. `waitForInFlight` waits until the batches the stages had in hand have finished (one may have read
    ///    the erasures just before and still write about the customer).
    /// 3. Each collection is cleared.
    ///
    /// Running it again is harmless: it finds nothing more.
    public func erase(
        tenantId: String, customerId: String, at now: Date = Date(),
        waitForInFlight: () async throws -> Bool
    ) async throws -> Erased {
        struct IdOnly: Codable, Sendable { var _id: String }
        let identities = try await client.collection("identities", as: IdOnly.self)
            .find(["tenant_id": .string(tenantId), "customer_id": .string(customerId)])
        // An identity's _id is its identity key, the very text its digest is taken of.
        let digests = identities.map { Erasure.identityDigest(key: $0._id) }
        try await erasureStore.record(
            Erasure(tenantId: tenantId, customerId: customerId, identityDigests: digests, erasedAt: now))
        let drained = try await waitForInFlight()
        let filters = try await filters(tenantId: tenantId, customerId: customerId)
        var deleted: [String: Int] = [:]
        for name in Self.collections {
            guard let filter = filters[name] else { continue }
            deleted[name] = try await client.collection(name, as: JSONValue.self).deleteMany(filter)
        }
        return Erased(deleted: deleted, inFlightDrained: drained)
    }

    /// The `customer_erased` event: the same id however often the customer is erased, no personal data.
    public static func tombstone(tenantId: String, customerId: String, at now: Date) -> SwitchboardEvent {
        SwitchboardEvent(
            id: DerivedID.make(from: namespace, name: "customer_erased|\(tenantId)|\(customerId)"),
            type: .customerErased, tenantId: tenantId, customerId: customerId, occurredAt: now,
            details: ["erased_at": SwitchboardJSON.formatDate(now)])
    }

    private static let namespace = UUID(uuidString: "8b0f3c52-6e1d-4a7b-9f20-5d4c3b2a1e09")!
}

extension CustomerPrivacy {
    /// The whole erasure as the CLI and the supervisor API run it: erase (waiting for the stages' batches in
    /// hand, up to `drainTimeout`), then the `customer_erased` event on the events topic.
    public func erase(
        tenantId: String, customerId: String, kafka: KafkaConfiguration, producer: KafkaProducer, topics: TopicNames,
        logger: Logger, drainTimeout: Duration = .seconds(60), at now: Date = Date()
    ) async throws -> Erased {
        let progress = try KafkaGroupProgress(
            stages: PipelineStages.groups(topics), configuration: kafka, logger: logger)
        let erased = try await erase(tenantId: tenantId, customerId: customerId, at: now) {
            try await InFlightDrain.wait(for: progress, timeout: drainTimeout)
        }
        let key = PartitionKey.customer(tenantId: tenantId, customerId: customerId)
        _ = try await producer.send(
            try StageOutput.event(
                Self.tombstone(tenantId: tenantId, customerId: customerId, at: now), to: topics.events, key: key
            ).record())
        logger.info(
            "Customer erased",
            metadata: [
                "tenant": "\(tenantId)", "documents": "\(erased.total)",
                "in_flight_drained": "\(erased.inFlightDrained)",
            ])
        return erased
    }
}
