/// An entity annotated in a training or test example.
///
/// Offsets count Unicode scalars (as Python string indices do, and as the shared benchmark files are
/// written), `end` exclusive.
public struct EntitySpan: Sendable, Hashable, Codable {
    /// Entity type, e.g. `city`.
    public var entity: String
    /// Start offset in Unicode scalars.
    public var start: Int
    /// End offset (exclusive) in Unicode scalars.
    public var end: Int
    /// The normalised value when a synonym maps the text to another value (`[NYC](city:New York)`).
    public var value: String?

    /// Creates a span.
    public init(entity: String, start: Int, end: Int, value: String? = nil) {
        self.entity = entity
        self.start = start
        self.end = end
        self.value = value
    }
}

/// One labelled utterance: text, intent and entity spans.
public struct NLUExample: Sendable, Hashable {
    /// The utterance, annotations removed.
    public var text: String
    /// Its intent.
    public var intent: String
    /// Annotated entities, ordered by position.
    public var entities: [EntitySpan]

    /// Creates an example.
    public init(text: String, intent: String, entities: [EntitySpan] = []) {
        self.text = text
        self.intent = intent
        self.entities = entities
    }
}

extension String {
    /// The text between two Unicode scalar offsets (clamped to the text).
    func scalarSlice(_ start: Int, _ end: Int) -> String {
        let scalars = Array(unicodeScalars)
        let lower = Swift.max(0, Swift.min(start, scalars.count))
        let upper = Swift.max(lower, Swift.min(end, scalars.count))
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[lower..<upper])
        return String(view)
    }

    /// Converts a Unicode scalar offset to a `Character` offset (the unit of ``Entity``).
    func characterOffset(ofScalarOffset offset: Int) -> Int {
        var scalars = 0
        var characters = 0
        for character in self {
            if scalars >= offset { break }
            scalars += character.unicodeScalars.count
            characters += 1
        }
        return characters
    }
}
