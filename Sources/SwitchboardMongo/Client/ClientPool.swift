internal import CMongoc

/// Owns libmongoc's client pool. `mongoc_client_pool_t` is thread-safe; each `mongoc_client_t` popped from it
/// is used by one thread at a time and pushed back before the call returns.
final class ClientPool: @unchecked Sendable {
    private let pool: OpaquePointer

    init(configuration: MongoConfiguration) throws(MongoError) {
        try configuration.validate()
        pool = try configuration.withParsedURI { uri throws(MongoError) in
            var error = bson_error_t()
            guard let pool = mongoc_client_pool_new_with_error(uri, &error) else {
                throw MongoError.from(error)
            }
            return pool
        }
        // Version 2 reports server errors in their own domain with the server's code (11000...).
        _ = mongoc_client_pool_set_error_api(pool, Int32(MONGOC_ERROR_API_VERSION_2))
        mongoc_client_pool_max_size(pool, UInt32(configuration.maxPoolSize))
    }

    deinit {
        mongoc_client_pool_destroy(pool)
    }

    /// Runs `body` with a client of its own. Blocks: call only from the client's thread pool.
    func withClient<R>(_ body: (OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> R {
        guard let client = mongoc_client_pool_pop(pool) else {
            throw MongoError(code: .connection, reason: "no client available from the pool", isRetriable: true)
        }
        defer { mongoc_client_pool_push(pool, client) }
        return try body(client)
    }
}
