public import Foundation
public import SwitchboardCore

/// What customer-identification needs of the profile store, in bulk: one call per batch and collection.
public protocol IdentityStoring: Sendable {
    /// The customer ids of those identity keys that are known.
    func customerIds(identityKeys: [String]) async throws -> [String: String]
    /// Profiles of these tenants that have any of these phones or emails.
    func profiles(tenantIds: [String], phones: [String], emails: [String]) async throws -> [CustomerProfile]
    /// Claims identity keys for customers; returns the keys another writer claimed first.
    func claim(_ claims: [IdentityClaim]) async throws -> Set<String>
    /// Stores created profiles (kept if they exist) and changed ones (overwritten), in one bulk write.
    func save(created: [CustomerProfile], changed: [CustomerProfile]) async throws
    /// Records when customers last wrote on a channel (each mark only moves a time forward), in one bulk write.
    func recordInbound(_ marks: [InboundMark]) async throws
    /// The race-safe resolution of one identity, for an identity another writer claimed meanwhile.
    func resolve(
        _ inbound: InboundIdentity, tenantId: String, now: Date, newCustomerId: String
    ) async throws -> IdentityDecision
}

/// An identity key claimed for a customer.
public struct IdentityClaim: Sendable, Hashable {
    public var key: String
    public var tenantId: String
    public var customerId: String
    public var at: Date

    public init(key: String, tenantId: String, customerId: String, at: Date) {
        self.key = key
        self.tenantId = tenantId
        self.customerId = customerId
        self.at = at
    }
}

/// A customer's message on a channel with a customer-service window, and when it was written.
public struct InboundMark: Sendable, Hashable {
    public var customerId: String
    public var channel: Channel
    public var at: Date

    public init(customerId: String, channel: Channel, at: Date) {
        self.customerId = customerId
        self.channel = channel
        self.at = at
    }
}
