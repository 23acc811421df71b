public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Where the erasures the stages must know about come from.
public protocol ErasureSource: Sendable {
    /// Every erasure still fenced (recent enough that records of the customer may be in flight).
    func erasures() async throws -> [Erasure]
}

/// The `erasures` collection: one small document per erased customer, kept for the fence period so the stages
/// recognise that customer's records still in flight. It holds no personal data in clear (identity digests).
public struct ErasureStore: ErasureSource {
    struct ErasureDocument: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var customer_id: String
        var identity_digests: [String]
        var erased_at: Date
    }

    let erasuresCollection: MongoCollection<ErasureDocument>

    init(client: MongoClient) {
        erasuresCollection = client.collection("erasures")
    }

    /// Records an erasure, journaled: it is on disk before any of the customer's data is deleted.
    public func record(_ erasure: Erasure) async throws {
        let document = try MongoValue(
            encoding: ErasureDocument(
                _id: "\(erasure.tenantId)|\(erasure.customerId)", tenant_id: erasure.tenantId,
                customer_id: erasure.customerId, identity_digests: erasure.identityDigests,
                erased_at: erasure.erasedAt))
        guard case .document(var fields) = document else { return }
        fields["_id"] = nil
        _ = try await erasuresCollection.updateOne(
            filter: ["_id": .string("\(erasure.tenantId)|\(erasure.customerId)")], update: ["$set": .document(fields)],
            upsert: true, journaled: true)
    }

    public func erasures() async throws -> [Erasure] {
        try await erasuresCollection.find([:]).map {
            Erasure(
                tenantId: $0.tenant_id, customerId: $0.customer_id, identityDigests: $0.identity_digests,
                erasedAt: $0.erased_at)
        }
    }

    /// Forgets erasures older than `cutoff`: by then nothing of the customer is in flight any more.
    @discardableResult
    public func forget(erasedBefore cutoff: Date) async throws -> Int {
        try await erasuresCollection.deleteMany(["erased_at": ["$lt": .date(cutoff)]])
    }
}
