internal import CMongoc

extension MongoCollection {
    /// Sends many writes in as few round trips as libmongoc can (it splits at the server's batch limits).
    ///
    /// `ordered` (the default) stops at the first failure; unordered carries on and reports the first failure
    /// afterwards. Either way a collision with a unique index throws ``MongoError`` with code `.duplicateKey`.
    @discardableResult
    public func bulkWrite(
        _ models: [MongoWriteModel<T>], ordered: Bool = true
    ) async throws(MongoError)
        -> MongoBulkResult
    {
        guard !models.isEmpty else { return .empty }
        return try await withCollection("bulkWrite") { collection throws(MongoError) in
            let options = try BSONDocument(["ordered": .bool(ordered)])
            guard let bulk = mongoc_collection_create_bulk_operation_with_opts(collection, options.pointer) else {
                throw MongoError(code: .invalidArgument, reason: "libmongoc refused the bulk options")
            }
            defer { mongoc_bulk_operation_destroy(bulk) }
            for model in models {
                try Self.append(model, to: bulk)
            }
            let reply = BSONDocument()
            var error = bson_error_t()
            let serverId = mongoc_bulk_operation_execute(bulk, reply.pointer, &error)
            let document = reply.document
            guard serverId != 0 else { throw MongoError.from(error, reply: document) }
            var upserted: [Int: MongoValue] = [:]
            for entry in document["upserted"]?.arrayValue ?? [] {
                guard let entry = entry.documentValue, let index = entry["index"]?.intValue else { continue }
                upserted[index] = entry["_id"] ?? .null
            }
            return MongoBulkResult(
                insertedCount: document["nInserted"]?.intValue ?? 0,
                matchedCount: document["nMatched"]?.intValue ?? 0,
                modifiedCount: document["nModified"]?.intValue ?? 0,
                deletedCount: document["nRemoved"]?.intValue ?? 0,
                upsertedIds: upserted)
        }
    }

    /// Inserts documents with one unordered bulk write, treating a duplicate key as "already there" (a
    /// redelivered record): returns the positions of the documents that collided. Any other failure throws.
    public func insertManyIgnoringDuplicates(_ documents: [T]) async throws(MongoError) -> MongoInsertResult {
        guard !documents.isEmpty else { return MongoInsertResult(insertedCount: 0, duplicateIndexes: []) }
        return try await withCollection("insertMany(unordered)") { collection throws(MongoError) in
            let options = try BSONDocument(["ordered": .bool(false)])
            guard let bulk = mongoc_collection_create_bulk_operation_with_opts(collection, options.pointer) else {
                throw MongoError(code: .invalidArgument, reason: "libmongoc refused the bulk options")
            }
            defer { mongoc_bulk_operation_destroy(bulk) }
            for document in documents {
                try Self.append(.insertOne(document), to: bulk)
            }
            let reply = BSONDocument()
            var error = bson_error_t()
            let serverId = mongoc_bulk_operation_execute(bulk, reply.pointer, &error)
            let document = reply.document
            let inserted = document["nInserted"]?.intValue ?? 0
            guard serverId == 0 else { return MongoInsertResult(insertedCount: inserted, duplicateIndexes: []) }
            let writeErrors = (document["writeErrors"]?.arrayValue ?? []).compactMap(\.documentValue)
            let duplicates = writeErrors.filter { MongoError.isDuplicateKey(code: $0["code"]?.intValue) }
            // Only duplicates, and every failed document accounted for: the write itself succeeded.
            guard !writeErrors.isEmpty, duplicates.count == writeErrors.count,
                document["writeConcernErrors"]?.arrayValue?.isEmpty ?? true
            else { throw MongoError.from(error, reply: writeErrors.isEmpty ? document : nil) }
            return MongoInsertResult(
                insertedCount: inserted, duplicateIndexes: duplicates.compactMap { $0["index"]?.intValue }.sorted())
        }
    }

    private static func append(_ model: MongoWriteModel<T>, to bulk: OpaquePointer) throws(MongoError) {
        var error = bson_error_t()
        let accepted: Bool
        switch model {
        case .insertOne(let value):
            let document = try BSONDocument(encoding: value)
            accepted = mongoc_bulk_operation_insert_with_opts(bulk, document.pointer, nil, &error)
        case .updateOne(let filter, let update, let upsert):
            let (filter, update, options) = try (BSONDocument(filter), BSONDocument(update), upsertOption(upsert))
            accepted = mongoc_bulk_operation_update_one_with_opts(
                bulk, filter.pointer, update.pointer, options.pointer, &error)
        case .updateMany(let filter, let update, let upsert):
            let (filter, update, options) = try (BSONDocument(filter), BSONDocument(update), upsertOption(upsert))
            accepted = mongoc_bulk_operation_update_many_with_opts(
                bulk, filter.pointer, update.pointer, options.pointer, &error)
        case .replaceOne(let filter, let replacement, let upsert):
            let (filter, options) = try (BSONDocument(filter), upsertOption(upsert))
            let document = try BSONDocument(encoding: replacement)
            accepted = mongoc_bulk_operation_replace_one_with_opts(
                bulk, filter.pointer, document.pointer, options.pointer, &error)
        case .deleteOne(let filter):
            let filter = try BSONDocument(filter)
            accepted = mongoc_bulk_operation_remove_one_with_opts(bulk, filter.pointer, nil, &error)
        case .deleteMany(let filter):
            let filter = try BSONDocument(filter)
            accepted = mongoc_bulk_operation_remove_many_with_opts(bulk, filter.pointer, nil, &error)
        }
        guard accepted else { throw MongoError.from(error) }
    }

    private static func upsertOption(_ upsert: Bool) throws(MongoError) -> BSONDocument {
        try BSONDocument(["upsert": .bool(upsert)])
    }
}
