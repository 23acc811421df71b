/// Part of a message's text, cut into plain and matching pieces, so that each client marks matches its own
/// way (the desk with `<mark>` on escaped text, the CLI with brackets) and no client parses markup.
public struct SearchSnippet: Sendable, Hashable, Codable {
    /// A piece of the text; `match` when it is a query term.
    public struct Segment: Sendable, Hashable, Codable {
        public var text: String
        public var match: Bool

        public init(_ text: String, match: Bool) {
            self.text = text
            self.match = match
        }
    }

    public var segments: [Segment]

    public init(segments: [Segment]) {
        self.segments = segments
    }

    /// The characters shown around the first match, at most.
    public static let width = 160

    /// The window of `text` around its first token among `terms`, matches marked; the start of the text when
    /// none matches. An ellipsis marks text left out at either end.
    public init(text: String, terms: Set<String>, width: Int = SearchSnippet.width) {
        let tokens = SearchText.tokens(text)
        let first = tokens.first { terms.contains($0.term) }
        // Some context before the first match, then as much after as fits.
        var start = text.startIndex
        if let first {
            let lead = text.distance(from: text.startIndex, to: first.range.lowerBound)
            if lead > width / 3 {
                start = text.index(first.range.lowerBound, offsetBy: -(width / 3))
                // Start at a word boundary.
                if let space = text[start..<first.range.lowerBound].firstIndex(where: \.isWhitespace) {
                    start = text.index(after: space)
                }
            }
        }
        let end = text.index(start, offsetBy: width, limitedBy: text.endIndex) ?? text.endIndex
        var segments: [Segment] = []
        if start > text.startIndex { segments.append(Segment("…", match: false)) }
        var cursor = start
        for token in tokens where terms.contains(token.term) {
            guard token.range.lowerBound >= start, token.range.upperBound <= end else { continue }
            if cursor < token.range.lowerBound {
                segments.append(Segment(String(text[cursor..<token.range.lowerBound]), match: false))
            }
            segments.append(Segment(String(text[token.range]), match: true))
            cursor = token.range.upperBound
        }
        if cursor < end { segments.append(Segment(String(text[cursor..<end]), match: false)) }
        if end < text.endIndex { segments.append(Segment("…", match: false)) }
        self.segments = segments
    }

    /// The snippet as plain text, matches between `open` and `close` (`[`, `]` for a terminal).
    public func marked(open: String = "[", close: String = "]") -> String {
        segments.map { $0.match ? open + $0.text + close : $0.text }.joined()
    }
}
