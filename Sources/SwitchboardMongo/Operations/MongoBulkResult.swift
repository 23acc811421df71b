/// What a bulk write did, summed over its models.
public struct MongoBulkResult: Sendable, Hashable {
    /// Documents inserted by `insertOne` models.
    public let insertedCount: Int
    /// Documents matched by update and replace models.
    public let matchedCount: Int
    /// Documents changed by update and replace models.
    public let modifiedCount: Int
    /// Documents deleted.
    public let deletedCount: Int
    /// `_id`s of documents inserted by upserts, keyed by the index of their model in the request.
    public let upsertedIds: [Int: MongoValue]

    /// Documents inserted by upserts.
    public var upsertedCount: Int { upsertedIds.count }

    static let empty = MongoBulkResult(
        insertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedIds: [:])
}

/// What ``MongoCollection/insertManyIgnoringDuplicates(_:)`` did.
public struct MongoInsertResult: Sendable, Hashable {
    /// Documents inserted.
    public let insertedCount: Int
    /// Positions, in the request, of documents whose key was already there.
    public let duplicateIndexes: [Int]
}
