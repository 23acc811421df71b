/// An index to create with ``MongoCollection/createIndexes(_:)``.
public struct MongoIndex: Sendable, Hashable {
    /// Fields in order, each `1` (ascending) or `-1` (descending): `["customer": 1, "createdAt": -1]`.
    public var keys: MongoDocument
    /// The index name; by default built from the keys as the server does (`customer_1_createdAt_-1`).
    public var name: String
    /// Whether two documents may not share the same key values. Default `false`.
    public var unique: Bool
    /// For a single date field: the server deletes a document this long after that date. Default none.
    public var expireAfter: Duration?
    /// Index only the documents matching this filter (with `unique`, uniqueness among those). Default none.
    public var partialFilter: MongoDocument?

    public init(
        keys: MongoDocument,
        name: String? = nil,
        unique: Bool = false,
        expireAfter: Duration? = nil,
        partialFilter: MongoDocument? = nil
    ) {
        self.keys = keys
        self.name = name ?? Self.defaultName(keys)
        self.unique = unique
        self.expireAfter = expireAfter
        self.partialFilter = partialFilter
    }

    /// The specification the `createIndexes` command takes.
    var specification: MongoDocument {
        var document: MongoDocument = ["key": .document(keys), "name": .string(name)]
        if unique { document["unique"] = true }
        if let expireAfter { document["expireAfterSeconds"] = .int64(expireAfter.components.seconds) }
        if let partialFilter { document["partialFilterExpression"] = .document(partialFilter) }
        return document
    }

    private static func defaultName(_ keys: MongoDocument) -> String {
        keys.fields.map { field in
            let direction =
                switch field.value {
                case .string(let text): text
                case let value: value.intValue.map(String.init) ?? "1"
                }
            return "\(field.key)_\(direction)"
        }.joined(separator: "_")
    }
}
