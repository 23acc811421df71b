public import Foundation

/// The outcome of identifying the sender of an inbound message.
public enum IdentityDecision: Sendable, Hashable {
    /// An existing customer; `profile` is the profile with anything new merged in.
    /// `changed` says whether it must be written back.
    case existing(profile: CustomerProfile, matchedBy: IdentityMatch, changed: Bool)
    /// Nobody matched: a new profile to insert.
    case created(CustomerProfile)

    /// The resulting profile either way.
    public var profile: CustomerProfile {
        switch self {
        case .existing(let profile, _, _), .created(let profile): profile
        }
    }
}

/// What an existing profile was matched by.
public enum IdentityMatch: String, Sendable, Hashable {
    /// The same channel address.
    case identity
    /// The same normalised phone number.
    case phone
    /// The same normalised email address.
    case email
}

/// Decides which customer wrote a message. Pure: the caller loads candidate profiles (those sharing
/// the identity, phone or email, see ``lookupKeys(for:)``) and stores the result.
public enum IdentityResolver {
    /// What to look profiles up by.
    public static func lookupKeys(
        for inbound: InboundIdentity
    ) -> (
        identity: ChannelIdentity, phone: String?, email: String?
    ) {
        (inbound.identity, inbound.phone, inbound.email)
    }

    /// Matches by channel identity first, then phone, then email; otherwise creates a profile.
    ///
    /// Among several candidates of the same match kind the oldest profile wins (then the smallest id),
    /// so the choice is stable. Candidates from other tenants are ignored.
    public static func resolve(
        _ inbound: InboundIdentity, tenantId: String, candidates: [CustomerProfile], now: Date,
        newCustomerId: @autoclosure () -> String
    ) -> IdentityDecision {
        let sameTenant = candidates.filter { $0.tenantId == tenantId }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let matchers: [(IdentityMatch, (CustomerProfile) -> Bool)] = [
            (.identity, { $0.identities.contains(inbound.identity) }),
            (.phone, { profile in inbound.phone.map { profile.phones.contains($0) } ?? false }),
            (.email, { profile in inbound.email.map { profile.emails.contains($0) } ?? false }),
        ]
        for (match, predicate) in matchers {
            if let found = sameTenant.first(where: predicate) {
                let (merged, changed) = merge(inbound, into: found, now: now)
                return .existing(profile: merged, matchedBy: match, changed: changed)
            }
        }
        return .created(
            CustomerProfile(
                id: newCustomerId(), tenantId: tenantId, identities: [inbound.identity],
                phones: inbound.phone.map { [$0] } ?? [], emails: inbound.email.map { [$0] } ?? [],
                displayName: inbound.displayName, createdAt: now, updatedAt: now))
    }

    /// Adds the inbound identity, phone, email and (if none yet) display name to `profile`.
    static func merge(_ inbound: InboundIdentity, into profile: CustomerProfile, now: Date) -> (CustomerProfile, Bool) {
        var result = profile
        if !result.identities.contains(inbound.identity) { result.identities.append(inbound.identity) }
        if let phone = inbound.phone, !result.phones.contains(phone) { result.phones.append(phone) }
        if let email = inbound.email, !result.emails.contains(email) { result.emails.append(email) }
        if result.displayName == nil, let name = inbound.displayName { result.displayName = name }
        let changed = result != profile
        if changed { result.updatedAt = now }
        return (result, changed)
    }
}
