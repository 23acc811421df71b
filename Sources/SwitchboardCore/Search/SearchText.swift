import Foundation

/// How message text becomes search terms: the same rule when a message is indexed and when a query is read, so
/// that "Refund?" in a query finds "refund" in a message.
///
/// A term is a run of letters and digits, lower-cased and without diacritics ("Café" → "cafe"), at least two
/// characters long (single digits and letters match too much to rank anything), at most 40.
public enum SearchText {
    /// The longest term kept; a longer run is cut (a pasted token, a URL).
    public static let maximumTermLength = 40
    /// The most distinct terms indexed per message: a long message is found by its first ones.
    public static let maximumTermsPerMessage = 64

    /// A term and where in the text it stands.
    public struct Token: Sendable, Hashable {
        public var term: String
        public var range: Range<String.Index>
    }

    /// The terms of `text` in order, with their positions.
    public static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var start: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let isWordCharacter = character.isLetter || character.isNumber
            if isWordCharacter, start == nil { start = index }
            if !isWordCharacter, let begin = start {
                if let token = token(text, begin..<index) { tokens.append(token) }
                start = nil
            }
            index = text.index(after: index)
        }
        if let begin = start, let token = token(text, begin..<text.endIndex) { tokens.append(token) }
        return tokens
    }

    /// The distinct terms of `text` in order of first appearance, at most `limit`.
    public static func terms(_ text: String, limit: Int = maximumTermsPerMessage) -> [String] {
        var seen: Set<String> = []
        var terms: [String] = []
        for token in tokens(text) where terms.count < limit && seen.insert(token.term).inserted {
            terms.append(token.term)
        }
        return terms
    }

    /// The term a word is indexed under: lower case, without diacritics.
    public static func normalise(_ word: Substring) -> String {
        var term = String.UnicodeScalarView()
        for scalar in word.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            term.append(scalar)
        }
        return String(term)
    }

    private static func token(_ text: String, _ range: Range<String.Index>) -> Token? {
        let term = String(normalise(text[range]).prefix(maximumTermLength))
        guard term.count >= 2 else { return nil }
        return Token(term: term, range: range)
    }
}
