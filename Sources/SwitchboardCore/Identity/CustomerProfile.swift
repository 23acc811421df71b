public import Foundation

/// One customer of a tenant, across all the channels they use.
public struct CustomerProfile: Sendable, Hashable, Codable {
    /// Customer id (a UUIDv7 string for new profiles).
    public var id: String
    /// The tenant.
    public var tenantId: String
    /// Channel addresses known to belong to this customer.
    public var identities: [ChannelIdentity]
    /// Normalised phone numbers (`+` and digits).
    public var phones: [String]
    /// Normalised (lowercased) email addresses.
    public var emails: [String]
    /// A name to show agents.
    public var displayName: String?
    /// When the profile was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// Channels the customer opted out of (STOP, or the vendor's own opt-out error): nothing is sent there
    /// but the confirmation. Kept apart from the rest of the profile in the store (`opted_out`), so writing a
    /// profile never undoes an opt-out; not part of this type's coding.
    public var optedOutChannels: [Channel] = []
    /// When the customer last wrote on each channel that has a customer-service window (``ServiceWindow``);
    /// kept apart from the rest of the profile in the store (`last_inbound`), not part of this type's coding.
    public var lastInboundAt: [Channel: Date] = [:]

    /// Creates a profile.
    public init(
        id: String, tenantId: String, identities: [ChannelIdentity], phones: [String] = [],
        emails: [String] = [], displayName: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantId = tenantId
        self.identities = identities
        self.phones = phones
        self.emails = emails
        self.displayName = displayName
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, identities, phones, emails
        case tenantId = "tenant_id"
        case displayName = "display_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
