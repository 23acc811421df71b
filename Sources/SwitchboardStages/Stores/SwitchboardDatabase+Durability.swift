import Foundation
import SwitchboardMongo
public import SwitchboardRuntime

/// The stages' durability barrier: `hello`'s `topologyVersion.processId` names the server process (MongoDB
/// 4.4 and later, and SecantusDB), and a journaled upsert of one small document makes the writes before it
/// durable.
extension SwitchboardDatabase: DurabilityBarrier {
    /// The collection the barrier writes: one small document per process, counted up on every batch.
    static let barrierCollection = "durability_barrier"
    /// This process's document in it.
    static let barrierId = UUID().uuidString.lowercased()

    private struct BarrierDocument: Codable, Sendable {
        var _id: String
        var writes: Int?
    }

    public func epoch() async throws -> String {
        let reply = try await client.runCommand(["hello": 1])
        guard let process = reply["topologyVersion"]?.documentValue?["processId"] else {
            throw DatabaseEpochUnknown()
        }
        switch process {
        case .objectId(let id): return id.hex
        case .string(let id): return id
        default: throw DatabaseEpochUnknown()
        }
    }

    public func makeDurable(since epoch: String) async throws {
        let barrier = client.collection(Self.barrierCollection, as: BarrierDocument.self)
        try await barrier.updateOne(
            filter: ["_id": .string(Self.barrierId)], update: ["$inc": ["writes": 1]], upsert: true, journaled: true)
        guard try await self.epoch() == epoch else { throw WritesMayBeLost() }
    }
}

/// The server's `hello` names no process (`topologyVersion`), so a restart could not be told apart.
struct DatabaseEpochUnknown: Error, CustomStringConvertible {
    var description: String {
        "the database's hello reply has no topologyVersion.processId (MongoDB 4.4 or newer is needed)"
    }
}
