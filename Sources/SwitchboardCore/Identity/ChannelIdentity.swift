/// A customer's address on one channel.
public struct ChannelIdentity: Sendable, Hashable, Codable {
    /// The channel.
    public var channel: Channel
    /// The channel's id for the customer (phone number, chat id, PSID, visitor id).
    public var externalId: String

    /// Creates an identity.
    public init(channel: Channel, externalId: String) {
        self.channel = channel
        self.externalId = externalId
    }

    enum CodingKeys: String, CodingKey {
        case channel
        case externalId = "external_id"
    }
}
