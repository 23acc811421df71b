public import SwitchboardCore
import SwitchboardMongo

extension ProfileStore {
    private struct OptOuts: Decodable, Sendable {
        var _id: String
        var opted_out: [String]?
    }

    /// Marks the customer opted out of `channel` (or, with `false`, back in). Idempotent and safe to repeat
    /// (`$addToSet` / `$pull` on the profile's `opted_out`), so a redelivered STOP changes nothing more.
    public func setOptedOut(_ optedOut: Bool, customerId: String, channel: Channel) async throws {
        let operation = optedOut ? "$addToSet" : "$pull"
        _ = try await profiles.updateOne(
            filter: ["_id": .string(customerId)],
            update: [operation: ["opted_out": .string(channel.rawValue)]])
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
}
