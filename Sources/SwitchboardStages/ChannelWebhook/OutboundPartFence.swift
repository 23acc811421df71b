public import Foundation
import Metrics
import SwitchboardCore
import Synchronization

/// Where the outbound stage keeps, per part of a reply, who is sending it and what the provider answered.
public protocol OutboundPartLedger: Sendable {
    /// Records that `instance` is about to send part `index`, only if nobody sent or claimed it: the claim
    /// is one conditional write, so of two consumers holding the same record (a rebalance, an eviction for
    /// exceeding `max.poll.interval.ms`) exactly one wins.
    func claimPart(id: UUID, index: Int, instance: String, at: Date) async throws -> Bool
    /// The part's state: its provider id once sent, else who claimed it and when.
    func partState(id: UUID, index: Int) async throws -> OutboundPartState
    /// Records part `index` as sent (an empty id when the provider named none, or when the outcome is
    /// unknown) and drops its claim.
    func recordSentPart(id: UUID, index: Int, providerMessageId: String) async throws
    /// Drops `instance`'s claim on a part the provider did not take, so a later attempt may send it.
    func releasePart(id: UUID, index: Int, instance: String) async throws
    /// Dates `instance`'s claim on part `index` anew, only if it still holds it and the part is not recorded
    /// as sent. True when it did.
    func renewClaim(id: UUID, index: Int, instance: String, at: Date) async throws -> Bool
}

/// One part's state in an ``OutboundPartLedger``.
public struct OutboundPartState: Sendable, Hashable {
    public var sentAs: String?
    public var claimedBy: String?
    public var claimedAt: Date?

    public init(sentAs: String? = nil, claimedBy: String? = nil, claimedAt: Date? = nil) {
        self.sentAs = sentAs
        self.claimedBy = claimedBy
        self.claimedAt = claimedAt
    }
}

/// Another consumer is sending this part right now; the runner retries the record with backoff.
public struct PartInFlightElsewhere: Error, Sendable, CustomStringConvertible {
    public var description: String { "another consumer is sending this reply; retrying once it has finished" }
}

/// Sends each part of a reply at most once, across redeliveries, rebalances and failed bookkeeping.
///
/// Before a part goes to the provider it is claimed in the ledger (``OutboundPartLedger/claimPart``); the
/// provider's answer is recorded after. What can happen in between:
/// - the provider refused or failed the part: the claim is released and a later attempt sends it;
/// - recording the answer failed (the database away), or the database lost it (killed before it reached its
///   disk): this process remembers the answers it got (the most recent ``rememberedAnswers``) and records
///   them on the next attempt instead of sending again;
/// - the claim itself failed without an answer (the database went away while writing it), or releasing it
///   failed: the claim may be stored while this process knows it sent nothing under it, so its next attempt
///   takes the claim over and sends (``abandonedClaims``), instead of waiting out the lease and then taking the
///   part as sent when it never was;
/// - the sender died: after `lease` the claim is taken as sent with an unknown outcome (`unknownOutcomes`
///   counts it): at most once means such a part is never sent twice, and may have been sent never.
/// A part claimed by a live consumer makes the attempt fail with ``PartInFlightElsewhere``, and the retry
/// finds it sent. The claim is a journaled write: it is on the database's disk before the part is sent, so a
/// database that crashes and comes back still holds it.
public final class OutboundPartFence: Sendable {
    /// This process's name in claims.
    public let instance: String
    /// How long a claim holds before its sender counts as gone.
    public let lease: TimeInterval
    let ledger: any OutboundPartLedger
    let now: @Sendable () -> Date
    /// How many of the latest answers this process remembers.
    public static let rememberedAnswers = 100_000
    /// Answers this process got, by "message id:part", kept after they are recorded: a database that restarts
    /// can lose the record while keeping the (journaled) claim.
    private let answers = BoundedCache<String, String>(capacity: OutboundPartFence.rememberedAnswers)
    private let unknown = Atomic<Int>(0)
    /// Parts ("message id:part") whose claim by this process may be stored although this process sent nothing
    /// under it. Taken out by the one attempt that takes the claim over.
    private let abandoned = Mutex<Set<String>>([])
    /// How many abandoned claims this process remembers; past that it forgets them all, and those parts fall
    /// back to the lease.
    public static let abandonedClaims = 10_000

    public init(
        ledger: any OutboundPartLedger, instance: String = UUID().uuidString.lowercased(), lease: TimeInterval = 20,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.ledger = ledger
        self.instance = instance
        self.lease = lease
        self.now = now
    }

    /// Parts whose sender died before recording them, taken as sent.
    public var unknownOutcomes: Int { unknown.load(ordering: .relaxed) }

    /// Progress for `id` that starts from `sent` and claims, records and releases through the ledger.
    public func progress(for id: UUID, sent: [Int: String]) -> DeliveryProgress {
        DeliveryProgress(
            sent: sent,
            record: { index, providerMessageId in
                self.answers.set(providerMessageId, for: "\(id):\(index)")
                try await self.ledger.recordSentPart(id: id, index: index, providerMessageId: providerMessageId)
            },
            claim: { index in try await self.claim(id: id, index: index) },
            release: { index in
                do {
                    try await self.ledger.releasePart(id: id, index: index, instance: self.instance)
                } catch {
                    self.abandon("\(id):\(index)")
                    throw error
                }
            })
    }

    private func abandon(_ part: String) {
        abandoned.withLock { parts in
            if parts.count >= Self.abandonedClaims { parts.removeAll() }
            parts.insert(part)
        }
    }

    /// Claims the part; a claim whose write failed may still have been stored, so it counts as abandoned.
    private func tryClaim(id: UUID, index: Int) async throws -> Bool {
        do {
            guard try await ledger.claimPart(id: id, index: index, instance: instance, at: now()) else { return false }
            // Stored now, and this attempt sends under it: it is no longer an abandoned claim.
            abandoned.withLock { _ = $0.remove("\(id):\(index)") }
            return true
        } catch {
            abandon("\(id):\(index)")
            throw error
        }
    }

    /// Nil when this attempt may send the part; else the provider id it went out as.
    func claim(id: UUID, index: Int) async throws -> String? {
        if let answered = answers["\(id):\(index)"] {
            // Sent by this process before: recorded again (idempotent), never sent again.
            try await ledger.recordSentPart(id: id, index: index, providerMessageId: answered)
            return answered
        }
        let part = "\(id):\(index)"
        if try await tryClaim(id: id, index: index) { return nil }
        let state = try await ledger.partState(id: id, index: index)
        if let sent = state.sentAs { return sent }
        if state.claimedBy == nil {
            // Released between the two reads: claim again.
            if try await tryClaim(id: id, index: index) { return nil }
            throw PartInFlightElsewhere()
        }
        if state.claimedBy == instance, abandoned.withLock({ $0.remove(part) != nil }) {
            // This process's own claim, under which it sent nothing: this attempt takes it over.
            do {
                if try await ledger.renewClaim(id: id, index: index, instance: instance, at: now()) { return nil }
            } catch {
                abandon(part)
                throw error
            }
            // Taken as sent by another consumer past the lease, or recorded meanwhile: look again next time.
            throw PartInFlightElsewhere()
        }
        if let at = state.claimedAt, now().timeIntervalSince(at) >= lease {
            try await ledger.recordSentPart(id: id, index: index, providerMessageId: "")
            unknown.add(1, ordering: .relaxed)
            Counter(label: "switchboard_outbound_unknown_outcome_total").increment()
            return ""
        }
        throw PartInFlightElsewhere()
    }
}
