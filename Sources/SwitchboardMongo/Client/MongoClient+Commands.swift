internal import CMongoc

extension MongoClient {
    /// Round trip to the server; throws a retriable ``MongoError`` when it cannot be reached in
    /// `serverSelectionTimeout`. Suits a readiness check.
    public func ping() async throws(MongoError) {
        _ = try await runCommand(["ping": 1])
    }

    /// Drops the configured database and everything in it.
    public func dropDatabase() async throws(MongoError) {
        let name = configuration.database
        try await run("dropDatabase(\(name))") { client throws(MongoError) in
            guard let database = mongoc_client_get_database(client, name) else {
                throw MongoError(code: .invalidArgument, reason: "no such database handle")
            }
            defer { mongoc_database_destroy(database) }
            var error = bson_error_t()
            guard mongoc_database_drop(database, &error) else { throw MongoError.from(error) }
        }
    }

    /// Runs a database command (such as `["ping": 1]`) against the configured database and returns the reply.
    public func runCommand(_ command: MongoDocument) async throws(MongoError) -> MongoDocument {
        let name = configuration.database
        let commandName = command.keys.first ?? "command"
        return try await run("\(commandName)(\(name))") { client throws(MongoError) in
            let bson = try BSONDocument(command)
            let reply = BSONDocument()
            var error = bson_error_t()
            guard mongoc_client_command_simple(client, name, bson.pointer, nil, reply.pointer, &error) else {
                throw MongoError.from(error, reply: reply.document)
            }
            return reply.document
        }
    }
}
