/// A token of the entity tagger with its place in the text.
struct EntityToken: Sendable, Hashable {
    /// The token as written.
    var text: String
    /// Start offset in Unicode scalars.
    var start: Int
    /// End offset (exclusive) in Unicode scalars.
    var end: Int
}

/// Splits text for entity tagging: runs of letters and digits are tokens, and so is every other
/// character that is not whitespace. Offsets are Unicode scalars, as in the training annotations.
enum EntityTokenizer {
    static func tokens(_ text: String) -> [EntityToken] {
        var tokens: [EntityToken] = []
        var current = String.UnicodeScalarView()
        var start = 0
        var offset = 0
        func flush() {
            if !current.isEmpty {
                tokens.append(EntityToken(text: String(current), start: start, end: offset))
                current = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil || properties.generalCategory == .nonspacingMark
            {
                if current.isEmpty { start = offset }
                current.append(scalar)
            } else {
                flush()
                if !properties.isWhitespace {
                    tokens.append(EntityToken(text: String(scalar), start: offset, end: offset + 1))
                }
            }
            offset += 1
        }
        flush()
        return tokens
    }
}
