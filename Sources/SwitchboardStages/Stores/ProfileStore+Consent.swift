import Foundation
public import SwitchboardCore
import SwitchboardMongo

extension ProfileStore {
    private struct OptOuts: Decodable, Sendable {
        var _id: String
        var opted_out: [String]?
        /// Per channel, the message that last changed the customer's consent there.
        var consent_changed_by: [String: String]?
        /// When the customer last wrote, per channel with a customer-service window.
        var last_inbound: [String: Date]?
    }

    /// Marks the customer opted out of `channel` (or, with `false`, back in) because of message `messageId`.
    /// Returns whether that message changed it: true when it did now, and again when the same message comes
    /// back (a redelivery must produce the same confirmation), false when the customer already was so.
    /// Safe to repeat (`$addToSet` / `$pull` on the profile's `opted_out`).
    public func setOptedOut(
        _ optedOut: Bool, customerId: String, channel: Channel, messageId: String
    ) async throws -> Bool {
        let value = MongoValue.string(channel.rawValue)
        let result = try await profiles.updateOne(
            filter: ["_id": .string(customerId), "opted_out": optedOut ? ["$ne": value] : value],
            update: [
                optedOut ? "$addToSet" : "$pull": ["opted_out": value],
                "$set": ["consent_changed_by.\(channel.rawValue)": .string(messageId)],
            ])
        if result.modifiedCount > 0 { return true }
        let found = try await profiles.find(
            ["_id": .string(customerId)], projection: ["consent_changed_by": 1], as: OptOuts.self)
        return found.first?.consent_changed_by?[channel.rawValue] == messageId
    }

    /// The channels each of these customers opted out of; customers with none are left out.
    public func optedOutChannels(customerIds: [String]) async throws -> [String: Set<Channel>] {
        guard !customerIds.isEmpty else { return [:] }
        let found = try await profiles.find(
            ["_id": ["$in": .array(Set(customerIds).sorted().map { .string($0) })]],
            projection: ["opted_out": 1], as: OptOuts.self)
        var channels: [String: Set<Channel>] = [:]
        for profile in found {
            let set = Set((profile.opted_out ?? []).compactMap(Channel.init(rawValue:)))
            if !set.isEmpty { channels[profile._id] = set }
        }
        return channels
    }

    public func outboundFacts(customerIds: [String]) async throws -> [String: OutboundCustomerFacts] {
        guard !customerIds.isEmpty else { return [:] }
        let found = try await profiles.find(
            ["_id": ["$in": .array(Set(customerIds).sorted().map { .string($0) })]],
            projection: ["opted_out": 1, "last_inbound": 1], as: OptOuts.self)
        var facts: [String: OutboundCustomerFacts] = [:]
        for profile in found {
            var fact = OutboundCustomerFacts(
                optedOut: Set((profile.opted_out ?? []).compactMap(Channel.init(rawValue:))))
            for (channel, at) in profile.last_inbound ?? [:] {
                if let channel = Channel(rawValue: channel) { fact.lastInbound[channel] = at }
            }
            if !fact.optedOut.isEmpty || !fact.lastInbound.isEmpty { facts[profile._id] = fact }
        }
        return facts
    }
}
