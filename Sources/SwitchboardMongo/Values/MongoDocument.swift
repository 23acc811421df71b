/// An ordered document of ``MongoValue``s: key order is kept, which sorts and compound index keys rely on.
///
/// ```swift
/// let filter: MongoDocument = ["customer": "c-1", "createdAt": ["$gte": .date(since)]]
/// let sort: MongoDocument = ["priority": -1, "createdAt": 1]
/// ```
public struct MongoDocument: Sendable, Hashable {
    /// The fields in order. Keys are unique: setting an existing key replaces its value in place.
    public private(set) var fields: [(key: String, value: MongoValue)]

    /// An empty document, which as a filter matches everything.
    public init() { fields = [] }

    /// A document with these fields in this order; a repeated key keeps its first position and last value.
    public init(_ fields: some Sequence<(String, MongoValue)>) {
        self.fields = []
        for (key, value) in fields { self[key] = value }
    }

    /// The keys in order.
    public var keys: [String] { fields.map(\.key) }

    /// Whether the document has no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// The value for `key`; setting `nil` removes the field.
    public subscript(key: String) -> MongoValue? {
        get { fields.first { $0.key == key }?.value }
        set {
            let index = fields.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): fields[index].value = value
            case (let index?, nil): fields.remove(at: index)
            case (nil, let value?): fields.append((key, value))
            case (nil, nil): break
            }
        }
    }

    public static func == (lhs: MongoDocument, rhs: MongoDocument) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.key)
            hasher.combine(field.value)
        }
    }
}

extension MongoDocument: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, MongoValue)...) {
        self.init(elements)
    }
}
