public import Foundation
public import SwitchboardCore

/// Where a customer's opt-outs are kept: the profile store's `opted_out`, per channel.
public protocol ConsentStoring: Sendable {
    /// Marks the customer opted out of `channel` (or back in) because of message `messageId`; whether that
    /// message changed it (also when it comes back). Idempotent.
    func setOptedOut(_ optedOut: Bool, customerId: String, channel: Channel, messageId: String) async throws -> Bool
    /// The channels each of these customers opted out of; customers with none are left out.
    func optedOutChannels(customerIds: [String]) async throws -> [String: Set<Channel>]
    /// What the outbound stage checks before sending to each of these customers, in one read: the channels
    /// they opted out of and when they last wrote on channels with a customer-service window. Customers with
    /// neither are left out.
    func outboundFacts(customerIds: [String]) async throws -> [String: OutboundCustomerFacts]
}

/// What the outbound stage knows of a customer before sending.
public struct OutboundCustomerFacts: Sendable, Hashable {
    /// The channels the customer opted out of.
    public var optedOut: Set<Channel>
    /// When the customer last wrote on each channel with a customer-service window.
    public var lastInbound: [Channel: Date]

    public init(optedOut: Set<Channel> = [], lastInbound: [Channel: Date] = [:]) {
        self.optedOut = optedOut
        self.lastInbound = lastInbound
    }
}

extension ProfileStore: ConsentStoring {}
