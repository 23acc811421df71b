public import SwitchboardCore

/// Where a customer's opt-outs are kept: the profile store's `opted_out`, per channel.
public protocol ConsentStoring: Sendable {
    /// Marks the customer opted out of `channel` (or back in) because of message `messageId`; whether that
    /// message changed it (also when it comes back). Idempotent.
    func setOptedOut(_ optedOut: Bool, customerId: String, channel: Channel, messageId: String) async throws -> Bool
    /// The channels each of these customers opted out of; customers with none are left out.
    func optedOutChannels(customerIds: [String]) async throws -> [String: Set<Channel>]
}

extension ProfileStore: ConsentStoring {}
