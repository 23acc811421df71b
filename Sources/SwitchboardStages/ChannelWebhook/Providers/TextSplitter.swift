/// Splits long outbound text into parts a provider accepts, on word boundaries where possible and never
/// inside a grapheme (an emoji with modifiers or a flag stays whole).
public struct TextSplitter: Sendable {
    /// How the provider counts length.
    public enum Measure: Sendable {
        /// User-perceived characters (WhatsApp's 4096, Messenger's 2000).
        case characters
        /// UTF-16 code units (Telegram's 4096 "characters", SMS's 1600).
        case utf16
    }

    public var limit: Int
    public var measure: Measure

    public init(limit: Int, measure: Measure = .characters) {
        self.limit = max(1, limit)
        self.measure = measure
    }

    public static let whatsApp = TextSplitter(limit: 4096)
    public static let messenger = TextSplitter(limit: 2000)
    public static let telegram = TextSplitter(limit: 4096, measure: .utf16)
    public static let sms = TextSplitter(limit: 1600, measure: .utf16)

    /// The parts of `text`, each within ``limit``; text already short enough comes back whole.
    public func split(_ text: String) -> [String] {
        guard length(of: Substring(text)) > limit else { return [text] }
        var parts: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if length(of: rest) <= limit {
                parts.append(String(rest))
                break
            }
            // The longest prefix within the limit, in whole characters.
            var end = rest.startIndex
            var used = 0
            while end < rest.endIndex {
                let size = length(of: rest[end])
                if used + size > limit { break }
                used += size
                end = rest.index(after: end)
            }
            if end == rest.startIndex { end = rest.index(after: end) }  // one character over the limit
            var cut = end
            if let space = rest[rest.startIndex..<end].lastIndex(where: \.isWhitespace), space > rest.startIndex,
                end < rest.endIndex, !rest[end].isWhitespace
            {
                cut = space
            }
            let part = rest[rest.startIndex..<cut].trimmingTrailingWhitespace()
            if !part.isEmpty { parts.append(String(part)) }
            rest = rest[cut...].drop(while: \.isWhitespace)
        }
        return parts
    }

    private func length(of text: Substring) -> Int {
        switch measure {
        case .characters: text.count
        case .utf16: text.utf16.count
        }
    }

    private func length(of character: Character) -> Int {
        switch measure {
        case .characters: 1
        case .utf16: character.utf16.count
        }
    }
}

extension Substring {
    fileprivate func trimmingTrailingWhitespace() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[startIndex..<end]
    }
}
