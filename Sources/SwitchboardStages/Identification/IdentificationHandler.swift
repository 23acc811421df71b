import Foundation
import Logging
public import SwitchboardCore
public import SwitchboardRuntime
import Synchronization

/// customer-identification: finds or creates the customer of each inbound envelope and re-keys it by customer.
///
/// A batch costs at most one read of identities (for identities not in the cache), one read of profiles (for
/// new identities with a phone or email), one bulk claim of identities and one bulk write of profiles. A
/// known customer costs no database call at all: an identity's customer never changes once claimed, so the
/// mapping is cached (bounded) whatever partition it came from.
public struct IdentificationHandler: StageHandler {
    /// Customer ids are derived from the first identity a customer was seen with, so a redelivered or
    /// concurrently handled first message always yields the same id. After an erasure of the customer who had
    /// that identity, from the identity and the time of the erasure: a new customer, never the erased id.
    static let customerNamespace = UUID(uuidString: "6f1c8d2e-3b4a-4c5d-9e8f-0a1b2c3d4e5f")!

    let profiles: any IdentityStoring
    let environment: DaemonEnvironment
    /// Identity key to customer id.
    let known: BoundedCache<String, String>
    /// The erasure time of each erased identity (by digest) the stage was told of.
    let erasedIdentities = ErasedIdentities()

    /// The last-message time stored per customer and channel ("customer|channel"), so a customer writing
    /// often costs one write per ``inboundMarkTolerance``, not one per message.
    let inboundMarks: BoundedCache<String, Date>
    /// How far the stored time of a customer's last message may lag behind the real one: a
    /// customer-service window then closes at most this much early, never late.
    static let inboundMarkTolerance: TimeInterval = 60

    /// Where STOP and START keywords are recorded (``ConsentStoring``); nil: keywords are plain messages.
    let consent: (any ConsentStoring)?

    public init(
        profiles: any IdentityStoring, environment: DaemonEnvironment, consent: (any ConsentStoring)? = nil,
        cacheCapacity: Int = 200_000
    ) {
        self.profiles = profiles
        self.consent = consent
        self.environment = environment
        self.known = BoundedCache(capacity: cacheCapacity)
        self.inboundMarks = BoundedCache(capacity: cacheCapacity)
    }

    /// Forgets every cached identity (the database may have lost the claims they came from).
    public func forgetAll() {
        known.removeAll { _, _ in true }
        inboundMarks.removeAll { _, _ in true }
    }

    /// Takes in erasures: forgets every cached identity (an erased one must be looked up afresh) and derives
    /// the ids of the erased identities' next customers from the erasure.
    public func erased(_ erasures: [Erasure]) {
        erasedIdentities.add(erasures)
        forgetAll()
    }

    /// The id a new customer first seen with the identity `key` gets.
    func newCustomerId(identityKey key: String) -> String {
        let name =
            erasedIdentities.erasedAt(digest: Erasure.identityDigest(key: key)).map {
                "\(key)|erased|\(Int64(($0.timeIntervalSince1970 * 1000).rounded()))"
            } ?? key
        return DerivedID.make(from: Self.customerNamespace, name: name).uuidString.lowercased()
    }

    public func handle(_ batch: StageBatch) async throws -> [StageResult] {
        var results = [StageResult?](repeating: nil, count: batch.items.count)
        var inbound: [Int: (identity: InboundIdentity, key: String)] = [:]
        for (index, item) in batch.items.enumerated() {
            let envelope = item.envelope
            do {
                _ = try environment.tenant(envelope.tenantId)
            } catch {
                results[index] = .from(error)
                continue
            }
            guard envelope.direction == .inbound else {
                results[index] = .rejected("customer-identification only takes inbound envelopes")
                continue
            }
            // The phone of SMS and WhatsApp addresses is derived from the address itself, so the same number on
            // both channels resolves to one customer. A shared contact card is someone else's, never merged.
            let identity = InboundIdentity(channel: envelope.channel, externalId: envelope.externalId)
            inbound[index] = (
                identity, ProfileStore.identityKey(tenantId: envelope.tenantId, identity: identity.identity)
            )
        }

        var customers: [String: String] = [:]
        let unknown = Set(inbound.values.map(\.key)).filter { key in
            guard let id = known[key] else { return true }
            customers[key] = id
            return false
        }
        if !unknown.isEmpty {
            for (key, id) in try await profiles.customerIds(identityKeys: unknown.sorted()) { customers[key] = id }
        }
        let new = inbound.keys.sorted().filter { customers[inbound[$0]!.key] == nil }
        if !new.isEmpty {
            for (key, id) in try await createCustomers(new.map { (batch.items[$0], inbound[$0]!) }) {
                customers[key] = id
            }
        }

        try await recordInbound(batch, inbound: inbound, customers: customers)

        for (index, (_, key)) in inbound {
            guard let customerId = customers[key] else {
                results[index] = .failed(IdentificationRaced())
                continue
            }
            known.set(customerId, for: key)
            var identified = batch.items[index].envelope
            identified.customerId = customerId
            var outputs: [StageOutput] = []
            if let consent, let match = ConsentChange.match(identified) {
                let changed: Bool
                do {
                    changed = try await consent.setOptedOut(
                        match.request == .optOut, customerId: customerId, channel: identified.channel,
                        messageId: identified.id.uuidString.lowercased())
                } catch {
                    results[index] = .from(error)
                    continue
                }
                // Only a keyword that changed something is confirmed and kept from the bot: a second STOP gets
                // no second confirmation, and START from a customer who never stopped (Telegram's /start on
                // first contact) is an ordinary message.
                if changed {
                    batch.items[index].logger.info(
                        "Customer consent changed",
                        metadata: ["customer_id": "\(customerId)", "consent": "\(match.request.rawValue)"])
                    identified.unknownFields[ConsentChange.marker] = .string(match.request.rawValue)
                    outputs += ConsentChange.outputs(for: identified, match: match, topics: batch.topics)
                }
            }
            outputs.insert(.envelope(identified, to: batch.topics.identified), at: 0)
            results[index] = .produced(outputs)
        }
        return results.map { $0 ?? .failed(IdentificationRaced()) }
    }

    /// Stores when each customer last wrote on a channel with a customer-service window (``ServiceWindow``), in
    /// one bulk write for the batch, before the messages move on: the outbound stage reads it to decide how a
    /// reply may go out. Skipped where the stored time is less than ``inboundMarkTolerance`` behind.
    private func recordInbound(
        _ batch: StageBatch, inbound: [Int: (identity: InboundIdentity, key: String)], customers: [String: String]
    ) async throws {
        var marks: [String: InboundMark] = [:]
        for (index, (_, key)) in inbound {
            let envelope = batch.items[index].envelope
            guard ServiceWindow.length(of: envelope.channel) != nil, envelope.kind != .deliveryStatus,
                let customerId = customers[key]
            else { continue }
            // Switchboard's own clock, not the channel's timestamp (which a sender's clock or a replayed
            // webhook can put anywhere).
            let at = envelope.receivedAt
            let markKey = "\(customerId)|\(envelope.channel.rawValue)"
            if let stored = inboundMarks[markKey], at < stored.addingTimeInterval(Self.inboundMarkTolerance) {
                continue
            }
            if let earlier = marks[markKey], earlier.at >= at { continue }
            marks[markKey] = InboundMark(customerId: customerId, channel: envelope.channel, at: at)
        }
        guard !marks.isEmpty else { return }
        try await profiles.recordInbound(marks.keys.sorted().map { marks[$0]! })
        for (markKey, mark) in marks { inboundMarks.set(max(mark.at, inboundMarks[markKey] ?? mark.at), for: markKey) }
    }

    /// Decides the new identities in batch order (so two new identities with the same phone in one batch
    /// become one customer), claims them in bulk, saves the profiles, and resolves one at a time the few that
    /// another writer claimed first. Returns identity key to customer id.
    private func createCustomers(
        _ new: [(item: StageItem, inbound: (identity: InboundIdentity, key: String))]
    ) async throws -> [String: String] {
        let phones = Set(new.compactMap(\.inbound.identity.phone)).sorted()
        let emails = Set(new.compactMap(\.inbound.identity.email)).sorted()
        var candidates = try await profiles.profiles(
            tenantIds: Set(new.map(\.item.envelope.tenantId)).sorted(), phones: phones, emails: emails)
        var decided: [String: IdentityDecision] = [:]
        var claims: [IdentityClaim] = []
        var created: [String: CustomerProfile] = [:]
        var changed: [String: CustomerProfile] = [:]
        for (item, (identity, key)) in new where decided[key] == nil {
            let envelope = item.envelope
            let newId = newCustomerId(identityKey: key)
            let decision = IdentityResolver.resolve(
                identity, tenantId: envelope.tenantId, candidates: candidates, now: envelope.receivedAt,
                newCustomerId: newId)
            decided[key] = decision
            let profile = decision.profile
            candidates.removeAll { $0.id == profile.id }
            candidates.append(profile)
            claims.append(
                IdentityClaim(key: key, tenantId: envelope.tenantId, customerId: profile.id, at: envelope.receivedAt))
            switch decision {
            case .created:
                created[profile.id] = profile
                item.logger.info("New customer", metadata: ["customer_id": "\(profile.id)"])
            case .existing(_, let match, let isChanged):
                if created[profile.id] != nil {
                    created[profile.id] = profile
                } else if isChanged {
                    changed[profile.id] = profile
                }
                item.logger.info(
                    "Identity merged into an existing customer",
                    metadata: ["customer_id": "\(profile.id)", "matched_by": "\(match.rawValue)"])
            }
        }
        // Profiles first: a crash before the claims leaves a profile that the redelivery finds again.
        try await profiles.save(created: Array(created.values), changed: Array(changed.values))
        let taken = try await profiles.claim(claims)
        var customers: [String: String] = [:]
        for (key, decision) in decided where !taken.contains(key) { customers[key] = decision.profile.id }
        for (item, (identity, key)) in new where taken.contains(key) && customers[key] == nil {
            let newId = newCustomerId(identityKey: key)
            customers[key] = try await profiles.resolve(
                identity, tenantId: item.envelope.tenantId, now: item.envelope.receivedAt, newCustomerId: newId
            ).profile.id
        }
        return customers
    }
}

/// An identity could not be resolved in this pass; the runner retries it.
struct IdentificationRaced: Error, CustomStringConvertible {
    var description: String { "the customer of this identity could not be resolved yet; retrying" }
}

/// Identity digests of erased customers with the time of the erasure.
final class ErasedIdentities: Sendable {
    private let times = Mutex<[String: Date]>([:])

    func add(_ erasures: [Erasure]) {
        times.withLock { times in
            for erasure in erasures {
                for digest in erasure.identityDigests {
                    times[digest] = max(times[digest] ?? .distantPast, erasure.erasedAt)
                }
            }
        }
    }

    func erasedAt(digest: String) -> Date? {
        times.withLock { $0[digest] }
    }
}
