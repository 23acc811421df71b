internal import CMongoc

extension MongoCollection {
    /// Applies `update` (operators such as `$set`, `$inc`) to the first document matching `filter`; with
    /// `upsert`, inserts one built from both when none matches. `journaled` asks the server to answer only once
    /// the write is in its journal on disk (write concern `j: true`), which also makes every write it
    /// acknowledged before durable.
    @discardableResult
    public func updateOne(
        filter: MongoDocument,
        update: MongoDocument,
        upsert: Bool = false,
        journaled: Bool = false
    ) async throws(MongoError) -> MongoUpdateResult {
        try await write(
            "updateOne", filter: filter, change: .document(update), upsert: upsert, many: false, journaled: journaled)
    }

    /// Applies `update` to every document matching `filter`.
    @discardableResult
    public func updateMany(
        filter: MongoDocument,
        update: MongoDocument,
        upsert: Bool = false
    ) async throws(MongoError) -> MongoUpdateResult {
        try await write("updateMany", filter: filter, change: .document(update), upsert: upsert, many: true)
    }

    /// Replaces the first document matching `filter` with `replacement`.
    @discardableResult
    public func replaceOne(
        filter: MongoDocument,
        replacement: T,
        upsert: Bool = false
    ) async throws(MongoError) -> MongoUpdateResult {
        try await write("replaceOne", filter: filter, change: .replacement(replacement), upsert: upsert, many: false)
    }

    /// Atomically updates the first document matching `filter` (in `sort` order) and returns it as it is
    /// after the update (`returnNew`, the default) or before it; `nil` when nothing matched and no upsert.
    public func findOneAndUpdate(
        filter: MongoDocument,
        update: MongoDocument,
        upsert: Bool = false,
        returnNew: Bool = true,
        sort: MongoDocument? = nil
    ) async throws(MongoError) -> T? {
        try await withCollection("findOneAndUpdate") { collection throws(MongoError) in
            let bsonFilter = try BSONDocument(filter)
            let bsonUpdate = try BSONDocument(update)
            let bsonSort = try sort.map { sort throws(MongoError) in try BSONDocument(sort) }
            guard let options = mongoc_find_and_modify_opts_new() else {
                throw MongoError(code: .invalidArgument, reason: "libmongoc refused the options")
            }
            defer { mongoc_find_and_modify_opts_destroy(options) }
            var flags = MONGOC_FIND_AND_MODIFY_NONE.rawValue
            if upsert { flags |= MONGOC_FIND_AND_MODIFY_UPSERT.rawValue }
            if returnNew { flags |= MONGOC_FIND_AND_MODIFY_RETURN_NEW.rawValue }
            _ = mongoc_find_and_modify_opts_set_update(options, bsonUpdate.pointer)
            _ = mongoc_find_and_modify_opts_set_flags(options, mongoc_find_and_modify_flags_t(rawValue: flags))
            if let bsonSort { _ = mongoc_find_and_modify_opts_set_sort(options, bsonSort.pointer) }
            let reply = BSONDocument()
            var error = bson_error_t()
            guard
                mongoc_collection_find_and_modify_with_opts(
                    collection, bsonFilter.pointer, options, reply.pointer, &error)
            else { throw MongoError.from(error, reply: reply.document) }
            return try reply.decode(FindAndModifyReply.self).value
        }
    }

    /// Deletes the first document matching `filter`; returns how many were deleted (0 or 1).
    @discardableResult
    public func deleteOne(_ filter: MongoDocument) async throws(MongoError) -> Int {
        try await delete("deleteOne", filter: filter, many: false)
    }

    /// Deletes every document matching `filter` (`[:]` empties the collection); returns how many.
    @discardableResult
    public func deleteMany(_ filter: MongoDocument) async throws(MongoError) -> Int {
        try await delete("deleteMany", filter: filter, many: true)
    }

    private struct FindAndModifyReply: Decodable {
        let value: T?
    }

    private enum Change: Sendable {
        case document(MongoDocument)
        case replacement(T)
    }

    private func write(
        _ operation: String,
        filter: MongoDocument,
        change update: Change,
        upsert: Bool,
        many: Bool,
        journaled: Bool = false
    ) async throws(MongoError) -> MongoUpdateResult {
        try await withCollection(operation) { collection throws(MongoError) in
            let bsonFilter = try BSONDocument(filter)
            let bsonUpdate: BSONDocument
            switch update {
            case .document(let document): bsonUpdate = try BSONDocument(document)
            case .replacement(let value): bsonUpdate = try BSONDocument(encoding: value)
            }
            var opts: MongoDocument = ["upsert": .bool(upsert)]
            if journaled { opts["writeConcern"] = ["j": true] }
            let options = try BSONDocument(opts)
            let reply = BSONDocument()
            var error = bson_error_t()
            let succeeded =
                switch (update, many) {
                case (.replacement, _):
                    mongoc_collection_replace_one(
                        collection, bsonFilter.pointer, bsonUpdate.pointer, options.pointer, reply.pointer, &error)
                case (.document, false):
                    mongoc_collection_update_one(
                        collection, bsonFilter.pointer, bsonUpdate.pointer, options.pointer, reply.pointer, &error)
                case (.document, true):
                    mongoc_collection_update_many(
                        collection, bsonFilter.pointer, bsonUpdate.pointer, options.pointer, reply.pointer, &error)
                }
            let document = reply.document
            guard succeeded else { throw MongoError.from(error, reply: document) }
            return MongoUpdateResult(
                matchedCount: document["matchedCount"]?.intValue ?? 0,
                modifiedCount: document["modifiedCount"]?.intValue ?? 0,
                upsertedId: document["upsertedId"])
        }
    }

    private func delete(_ operation: String, filter: MongoDocument, many: Bool) async throws(MongoError) -> Int {
        try await withCollection(operation) { collection throws(MongoError) in
            let bsonFilter = try BSONDocument(filter)
            let reply = BSONDocument()
            var error = bson_error_t()
            let succeeded =
                many
                ? mongoc_collection_delete_many(collection, bsonFilter.pointer, nil, reply.pointer, &error)
                : mongoc_collection_delete_one(collection, bsonFilter.pointer, nil, reply.pointer, &error)
            let document = reply.document
            guard succeeded else { throw MongoError.from(error, reply: document) }
            return document["deletedCount"]?.intValue ?? 0
        }
    }
}
