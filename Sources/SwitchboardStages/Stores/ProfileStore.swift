public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Customer profiles, and the index of channel identities that makes concurrent creation safe.
///
/// Each channel identity (tenant, channel, external id) has one document whose `_id` is that triple, so two
/// stages racing to create the same customer collide on the primary key and the loser adopts the winner's
/// customer id. Profiles keep every identity and the normalized phones and emails they were seen with.
public struct ProfileStore: Sendable {
    struct IdentityDocument: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var customer_id: String
        var created_at: Date
    }

    struct ProfileDocument: Codable, Sendable {
        var _id: String
        var profile: CustomerProfile
        var tenant_id: String
        var phones: [String]
        var emails: [String]
        /// The channels the customer opted out of (``ProfileStore/setOptedOut(_:customerId:channel:)``), apart
        /// from `profile` so that saving a profile never undoes an opt-out.
        var opted_out: [String]?
        /// When the customer last wrote, per channel with a customer-service window
        /// (``ProfileStore/recordInbound(_:)``); apart from `profile` for the same reason.
        var last_inbound: [String: Date]?

        /// The profile with its opt-outs and last messages.
        var full: CustomerProfile {
            var profile = profile
            profile.optedOutChannels = (opted_out ?? []).compactMap(Channel.init(rawValue:))
            for (channel, at) in last_inbound ?? [:] {
                if let channel = Channel(rawValue: channel) { profile.lastInboundAt[channel] = at }
            }
            return profile
        }
    }

    private let identities: MongoCollection<IdentityDocument>
    let profiles: MongoCollection<ProfileDocument>

    init(client: MongoClient) {
        identities = client.collection("identities")
        profiles = client.collection("profiles")
    }

    func createIndexes() async throws {
        try await profiles.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "phones": 1], name: "tenant_phone"),
            MongoIndex(keys: ["tenant_id": 1, "emails": 1], name: "tenant_email"),
        ])
        try await identities.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "customer_id": 1], name: "tenant_customer")
        ])
    }

    public static func identityKey(tenantId: String, identity: ChannelIdentity) -> String {
        Erasure.identityKey(tenantId: tenantId, channel: identity.channel, externalId: identity.externalId)
    }

    /// Finds the customer for this identity, merging by phone or email, or creates one. Idempotent: the same
    /// inbound identity always resolves to the same customer, also when two callers race.
    public func resolve(
        _ inbound: InboundIdentity, tenantId: String, now: Date, newCustomerId: String
    ) async throws -> IdentityDecision {
        let key = Self.identityKey(tenantId: tenantId, identity: inbound.identity)
        var candidates: [CustomerProfile] = []
        if let known = try await identities.findOne(["_id": .string(key)]),
            let profile = try await profiles.findOne(["_id": .string(known.customer_id)])
        {
            candidates.append(profile.profile)
        } else {
            if let phone = inbound.phone {
                candidates += try await profiles.find(["tenant_id": .string(tenantId), "phones": .string(phone)])
                    .map(\.profile)
            }
            if let email = inbound.email {
                candidates += try await profiles.find(["tenant_id": .string(tenantId), "emails": .string(email)])
                    .map(\.profile)
            }
        }
        let decision = IdentityResolver.resolve(
            inbound, tenantId: tenantId, candidates: candidates, now: now, newCustomerId: newCustomerId)
        let profile = decision.profile

        // Claim the identity for this customer; a concurrent creator may have claimed it first.
        let claimed = try await claim(
            IdentityDocument(_id: key, tenant_id: tenantId, customer_id: profile.id, created_at: now))
        if !claimed, let winner = try await identities.findOne(["_id": .string(key)]),
            winner.customer_id != profile.id
        {
            return try await resolve(inbound, tenantId: tenantId, now: now, newCustomerId: winner.customer_id)
        }
        switch decision {
        case .created(let profile):
            try await save(profile, upsertOnly: true)
        case .existing(let profile, _, let changed):
            if changed { try await save(profile, upsertOnly: false) }
        }
        return decision
    }

    private func claim(_ identity: IdentityDocument) async throws -> Bool {
        do {
            try await identities.insert(identity)
            return true
        } catch  where error.code == .duplicateKey {
            return false
        }
    }

    private func save(_ profile: CustomerProfile, upsertOnly: Bool) async throws {
        _ = try await profiles.updateOne(
            filter: ["_id": .string(profile.id)], update: try Self.update(profile, upsertOnly: upsertOnly),
            upsert: true)
    }

    private static func update(_ profile: CustomerProfile, upsertOnly: Bool) throws -> MongoDocument {
        let document = try MongoValue(
            encoding: ProfileDocument(
                _id: profile.id, profile: profile, tenant_id: profile.tenantId, phones: profile.phones,
                emails: profile.emails))
        guard case .document(var fields) = document else { return [:] }
        fields["_id"] = nil
        return upsertOnly ? ["$setOnInsert": .document(fields)] : ["$set": .document(fields)]
    }

    /// The profile with this customer id.
    public func profile(id: String) async throws -> CustomerProfile? {
        try await profiles.findOne(["_id": .string(id)])?.full
    }

    /// How many profiles a tenant has.
    public func count(tenantId: String) async throws -> Int {
        try await profiles.count(["tenant_id": .string(tenantId)])
    }
}

extension ProfileStore: IdentityStoring {
    private struct IdentityMapping: Decodable, Sendable {
        var _id: String
        var customer_id: String
    }

    public func customerIds(identityKeys: [String]) async throws -> [String: String] {
        guard !identityKeys.isEmpty else { return [:] }
        let found = try await identities.find(
            ["_id": ["$in": .array(identityKeys.map { .string($0) })]], projection: ["customer_id": 1],
            as: IdentityMapping.self)
        return Dictionary(found.map { ($0._id, $0.customer_id) }, uniquingKeysWith: { first, _ in first })
    }

    public func profiles(tenantIds: [String], phones: [String], emails: [String]) async throws -> [CustomerProfile] {
        var any: [MongoValue] = []
        if !phones.isEmpty { any.append(["phones": ["$in": .array(phones.map { .string($0) })]]) }
        if !emails.isEmpty { any.append(["emails": ["$in": .array(emails.map { .string($0) })]]) }
        guard !any.isEmpty, !tenantIds.isEmpty else { return [] }
        return try await profiles.find(
            ["tenant_id": ["$in": .array(tenantIds.map { .string($0) })], "$or": .array(any)]
        ).map(\.profile)
    }

    public func claim(_ claims: [IdentityClaim]) async throws -> Set<String> {
        let result = try await identities.insertManyIgnoringDuplicates(
            claims.map {
                IdentityDocument(_id: $0.key, tenant_id: $0.tenantId, customer_id: $0.customerId, created_at: $0.at)
            })
        return Set(result.duplicateIndexes.map { claims[$0].key })
    }

    /// `$max` on `last_inbound.<channel>`: a redelivered or late mark changes nothing, and no profile is made
    /// for a customer who has none (erased meanwhile).
    public func recordInbound(_ marks: [InboundMark]) async throws {
        guard !marks.isEmpty else { return }
        let models: [MongoWriteModel<ProfileDocument>] = marks.map { mark in
            .updateOne(
                filter: ["_id": .string(mark.customerId)],
                update: ["$max": .document(["last_inbound.\(mark.channel.rawValue)": .date(mark.at)])], upsert: false)
        }
        try await profiles.bulkWrite(models, ordered: false)
    }

    public func save(created: [CustomerProfile], changed: [CustomerProfile]) async throws {
        let models: [MongoWriteModel<ProfileDocument>] =
            try created.map {
                .updateOne(filter: ["_id": .string($0.id)], update: try Self.update($0, upsertOnly: true), upsert: true)
            }
            + changed.map {
                .updateOne(
                    filter: ["_id": .string($0.id)], update: try Self.update($0, upsertOnly: false), upsert: true)
            }
        guard !models.isEmpty else { return }
        try await profiles.bulkWrite(models, ordered: false)
    }
}
