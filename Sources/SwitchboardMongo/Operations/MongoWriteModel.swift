/// One write in a ``MongoCollection/bulkWrite(_:ordered:)``.
public enum MongoWriteModel<T: Codable & Sendable>: Sendable {
    /// Inserts a document.
    case insertOne(T)
    /// Applies update operators to the first match; with `upsert`, inserts when nothing matches.
    case updateOne(filter: MongoDocument, update: MongoDocument, upsert: Bool = false)
    /// Applies update operators to every match.
    case updateMany(filter: MongoDocument, update: MongoDocument, upsert: Bool = false)
    /// Replaces the first match with a whole document.
    case replaceOne(filter: MongoDocument, replacement: T, upsert: Bool = false)
    /// Deletes the first match.
    case deleteOne(filter: MongoDocument)
    /// Deletes every match.
    case deleteMany(filter: MongoDocument)
}
