/// The Kafka message key, which decides the partition and so the per-customer ordering.
///
/// Before identification the key is the customer's channel address; afterwards the customer id, so
/// all of one customer's messages (from any channel) stay in order.
public struct PartitionKey: Sendable, Hashable, CustomStringConvertible {
    /// The key as written to Kafka.
    public var value: String

    /// Key for the `inbound` topic: tenant + channel + external id.
    public static func inbound(tenantId: String, channel: Channel, externalId: String) -> PartitionKey {
        PartitionKey(value: "\(tenantId)|\(channel.rawValue)|\(externalId)")
    }

    /// Key from `identified` on: tenant + customer id.
    public static func customer(tenantId: String, customerId: String) -> PartitionKey {
        PartitionKey(value: "\(tenantId)|\(customerId)")
    }

    /// The key bytes (UTF-8).
    public var bytes: [UInt8] { Array(value.utf8) }

    public var description: String { value }
}
