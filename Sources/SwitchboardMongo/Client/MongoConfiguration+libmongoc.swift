internal import CMongoc

extension MongoConfiguration {
    /// The configuration as a libmongoc URI: the one place it is turned into driver options.
    func withParsedURI<R>(_ body: (OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> R {
        MongoLibrary.initialize()
        var error = bson_error_t()
        guard let parsed = mongoc_uri_new_with_error(uri, &error) else {
            throw MongoError(
                code: .invalidArgument,
                reason: "the MongoDB connection string is not valid (expected mongodb://host[:port][/?options])")
        }
        defer { mongoc_uri_destroy(parsed) }
        let timeoutKey = MONGOC_URI_SERVERSELECTIONTIMEOUTMS
        if !mongoc_uri_has_option(parsed, timeoutKey) {
            _ = mongoc_uri_set_option_as_int32(parsed, timeoutKey, serverSelectionTimeoutMilliseconds)
        }
        if mongoc_uri_get_appname(parsed) == nil {
            _ = mongoc_uri_set_appname(parsed, "switchboard")
        }
        return try body(parsed)
    }
}
