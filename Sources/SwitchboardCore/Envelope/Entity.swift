/// An entity found in a message, e.g. an order id.
public struct Entity: Sendable, Hashable, Codable {
    /// Entity name, e.g. `order_id`.
    public var name: String
    /// The matched text.
    public var value: String
    /// Start offset in characters into the analysed text.
    public var start: Int?
    /// End offset (exclusive) in characters.
    public var end: Int?

    /// Creates an entity.
    public init(name: String, value: String, start: Int? = nil, end: Int? = nil) {
        self.name = name
        self.value = value
        self.start = start
        self.end = end
    }
}
