/// What an update or replace did.
public struct MongoUpdateResult: Sendable, Hashable {
    /// Documents that matched the filter.
    public let matchedCount: Int
    /// Documents actually changed (a `$set` to the same value matches without modifying).
    public let modifiedCount: Int
    /// The `_id` of the document an upsert inserted; `nil` when an existing document was updated.
    public let upsertedId: MongoValue?

    /// Whether an upsert inserted a new document.
    public var didUpsert: Bool { upsertedId != nil }
}
