public import Foundation
public import SwitchboardCore

/// A customer as the desk shows them next to a conversation: their profile and their history on every
/// channel.
public struct CustomerView: Sendable, Hashable, Encodable {
    public struct Identity: Sendable, Hashable, Encodable {
        public var channel: String
        public var address: String
    }

    public var customerId: String
    public var displayName: String?
    public var identities: [Identity]
    public var phones: [String]
    public var emails: [String]
    public var since: Date?
    /// The channels the customer opted out of (STOP or the vendor's opt-out error): nothing is sent there.
    public var optedOut: [String]
    /// When the WhatsApp customer-service window closes (24 h after the customer's last WhatsApp message);
    /// after it, a reply goes out only as the tenant's template, or is refused. Nil: they never wrote there.
    public var whatsAppWindowClosesAt: Date?
    /// The latest messages on every channel, oldest first.
    public var messages: [MessageView]

    public init(customerId: String, profile: CustomerProfile?, messages: [MessageView]) {
        self.customerId = customerId
        displayName = profile?.displayName
        identities = (profile?.identities ?? []).map { Identity(channel: $0.channel.rawValue, address: $0.externalId) }
        phones = profile?.phones ?? []
        emails = profile?.emails ?? []
        since = profile?.createdAt
        optedOut = (profile?.optedOutChannels ?? []).map(\.rawValue).sorted()
        whatsAppWindowClosesAt = profile?.lastInboundAt[.whatsapp].map { $0.addingTimeInterval(ServiceWindow.whatsApp) }
        self.messages = messages
    }

    enum CodingKeys: String, CodingKey {
        case identities, phones, emails, since, messages
        case customerId = "customer_id"
        case displayName = "display_name"
        case optedOut = "opted_out"
        case whatsAppWindowClosesAt = "whatsapp_window_closes_at"
    }
}
