/// What an inbound message tells about who wrote it.
public struct InboundIdentity: Sendable, Hashable {
    /// The channel address.
    public var identity: ChannelIdentity
    /// A normalised phone number, if known (derived from WhatsApp/SMS addresses).
    public var phone: String?
    /// A normalised email address, if known (e.g. a webchat pre-chat form).
    public var email: String?
    /// The name the channel reports.
    public var displayName: String?

    /// Builds the identity from what a channel delivers, deriving and normalising contact data.
    ///
    /// WhatsApp and SMS external ids are phone numbers (`whatsapp:+49 170 1234567` → `+491701234567`);
    /// their external id is stored normalised too, so both channels see one spelling.
    public init(
        channel: Channel, externalId: String, phone: String? = nil, email: String? = nil,
        displayName: String? = nil
    ) {
        var externalId = externalId.trimmingWhitespace()
        var phone = phone.flatMap(ContactNormalizer.phone)
        if channel.externalIdIsPhoneNumber, let normalized = ContactNormalizer.phone(externalId) {
            externalId = normalized
            phone = phone ?? normalized
        }
        self.identity = ChannelIdentity(channel: channel, externalId: externalId)
        self.phone = phone
        self.email = email.flatMap(ContactNormalizer.email)
        let name = displayName?.trimmingWhitespace()
        self.displayName = (name?.isEmpty ?? true) ? nil : name
    }
}
