internal import CMongoc

/// A collection whose documents are `T`, in and out through `Codable`.
///
/// Every call is one round trip (or one cursor) on the client's threads. Filters, updates and sorts are
/// ``MongoDocument``s; `T` values are encoded as documents, and documents read back are decoded as `T`
/// (fields the type does not declare, such as the server's `_id`, are ignored).
public struct MongoCollection<T: Codable & Sendable>: Sendable {
    /// The collection's name in the client's database.
    public let name: String
    let client: MongoClient

    /// Stores one document. A unique index it violates throws ``MongoError`` with code `.duplicateKey`.
    public func insert(_ document: T) async throws(MongoError) {
        try await withCollection("insert") { collection throws(MongoError) in
            let bson = try BSONDocument(encoding: document)
            let reply = BSONDocument()
            var error = bson_error_t()
            guard mongoc_collection_insert_one(collection, bson.pointer, nil, reply.pointer, &error) else {
                throw MongoError.from(error, reply: reply.document)
            }
        }
    }

    /// Stores many documents in one bulk write and returns how many were inserted.
    ///
    /// With `ordered: false` the server carries on past a failing document; the call still throws the first
    /// failure (`.duplicateKey` when any document collided with a unique index).
    @discardableResult
    public func insertMany(_ documents: [T], ordered: Bool = true) async throws(MongoError) -> Int {
        try await bulkWrite(documents.map { .insertOne($0) }, ordered: ordered).insertedCount
    }

    /// The documents matching `filter`, in `sort` order (for example `["createdAt": -1]`).
    public func find(
        _ filter: MongoDocument = [:],
        sort: MongoDocument? = nil,
        limit: Int? = nil,
        skip: Int? = nil
    ) async throws(MongoError) -> [T] {
        var options = MongoDocument()
        if let sort { options["sort"] = .document(sort) }
        if let limit { options["limit"] = .int64(Int64(limit)) }
        if let skip { options["skip"] = .int64(Int64(skip)) }
        return try await withCollection("find") { [options] collection throws(MongoError) in
            let bsonFilter = try BSONDocument(filter)
            let bsonOptions = try BSONDocument(options)
            let cursor = mongoc_collection_find_with_opts(
                collection, bsonFilter.pointer, bsonOptions.pointer, nil)
            return try Self.drain(cursor, as: T.self)
        }
    }

    /// The documents matching `filter` with only the fields of `projection` (e.g. `["session_id": 1]`),
    /// decoded as `R`: reads that need a few fields of large documents.
    public func find<R: Decodable & Sendable>(
        _ filter: MongoDocument, projection: MongoDocument, as type: R.Type
    ) async throws(MongoError) -> [R] {
        let options: MongoDocument = ["projection": .document(projection)]
        return try await withCollection("find") { collection throws(MongoError) in
            let bsonFilter = try BSONDocument(filter)
            let bsonOptions = try BSONDocument(options)
            let cursor = mongoc_collection_find_with_opts(collection, bsonFilter.pointer, bsonOptions.pointer, nil)
            return try Self.drain(cursor, as: R.self)
        }
    }

    /// The first document matching `filter` in `sort` order, or `nil`.
    public func findOne(_ filter: MongoDocument = [:], sort: MongoDocument? = nil) async throws(MongoError) -> T? {
        try await find(filter, sort: sort, limit: 1).first
    }

    /// How many documents match `filter`.
    public func count(_ filter: MongoDocument = [:]) async throws(MongoError) -> Int {
        try await withCollection("count") { collection throws(MongoError) in
            let bsonFilter = try BSONDocument(filter)
            let reply = BSONDocument()
            var error = bson_error_t()
            let count = mongoc_collection_count_documents(
                collection, bsonFilter.pointer, nil, nil, reply.pointer, &error)
            guard count >= 0 else { throw MongoError.from(error, reply: reply.document) }
            return Int(count)
        }
    }

    /// Runs an aggregation pipeline (`[["$match": ...], ["$group": ...]]`) and decodes its output as `R`.
    public func aggregate<R: Decodable & Sendable>(
        _ pipeline: [MongoDocument],
        as type: R.Type
    ) async throws(MongoError) -> [R] {
        let command: MongoDocument = ["pipeline": .array(pipeline.map(MongoValue.document))]
        return try await withCollection("aggregate") { collection throws(MongoError) in
            let bsonPipeline = try BSONDocument(command)
            let cursor = mongoc_collection_aggregate(collection, MONGOC_QUERY_NONE, bsonPipeline.pointer, nil, nil)
            return try Self.drain(cursor, as: R.self)
        }
    }

    /// Decodes every document of a cursor, then destroys it.
    private static func drain<R: Decodable>(_ cursor: OpaquePointer?, as type: R.Type) throws(MongoError) -> [R] {
        guard let cursor else { throw MongoError(code: .invalidArgument, reason: "libmongoc refused the query") }
        defer { mongoc_cursor_destroy(cursor) }
        var results: [R] = []
        var current: OpaquePointer?
        while mongoc_cursor_next(cursor, &current) {
            guard let current else { continue }
            results.append(try BSONDocument.decode(R.self, from: current))
        }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) { throw MongoError.from(error) }
        return results
    }

    /// Runs `body` with this collection's libmongoc handle on the client's threads.
    func withCollection<R: Sendable>(
        _ operation: String,
        _ body: @escaping @Sendable (OpaquePointer) throws(MongoError) -> R
    ) async throws(MongoError) -> R {
        let database = client.configuration.database
        let name = self.name
        return try await client.run("\(operation)(\(name))") { client throws(MongoError) in
            guard let collection = mongoc_client_get_collection(client, database, name) else {
                throw MongoError(code: .invalidArgument, reason: "no such collection handle")
            }
            defer { mongoc_collection_destroy(collection) }
            return try body(collection)
        }
    }
}
