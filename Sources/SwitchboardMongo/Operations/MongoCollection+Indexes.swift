internal import CMongoc

extension MongoCollection {
    /// Creates the indexes (and the collection, if needed). Creating an index that already exists with the same
    /// specification succeeds, so call it at every start-up.
    public func createIndexes(_ indexes: [MongoIndex]) async throws(MongoError) {
        guard !indexes.isEmpty else { return }
        for index in indexes where index.keys.isEmpty {
            throw MongoError(code: .invalidArgument, reason: "index \(index.name) has no keys")
        }
        let command: MongoDocument = [
            "createIndexes": .string(name),
            "indexes": .array(indexes.map { .document($0.specification) }),
        ]
        try await withCollection("createIndexes") { collection throws(MongoError) in
            let bson = try BSONDocument(command)
            let reply = BSONDocument()
            var error = bson_error_t()
            guard mongoc_collection_write_command_with_opts(collection, bson.pointer, nil, reply.pointer, &error)
            else { throw MongoError.from(error, reply: reply.document) }
        }
    }

    /// The distinct values of `field` among documents matching `filter`.
    public func distinct(_ field: String, filter: MongoDocument = [:]) async throws(MongoError) -> [MongoValue] {
        let command: MongoDocument = ["distinct": .string(name), "key": .string(field), "query": .document(filter)]
        return try await withCollection("distinct") { collection throws(MongoError) in
            let bson = try BSONDocument(command)
            let reply = BSONDocument()
            var error = bson_error_t()
            guard mongoc_collection_read_command_with_opts(collection, bson.pointer, nil, nil, reply.pointer, &error)
            else { throw MongoError.from(error, reply: reply.document) }
            return reply.document["values"]?.arrayValue ?? []
        }
    }
}
