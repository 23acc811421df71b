import Foundation

/// Finds entities with regular expressions from the training data (e.g. `order_id: [A-Z]{2}\d{6}`).
struct RegexEntityExtractor: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable and thread-safe once built.
    private let patterns: [(name: String, regex: NSRegularExpression)]

    init(_ regexes: [String: [String]]) throws(TenantConfigurationError) {
        var patterns: [(String, NSRegularExpression)] = []
        for name in regexes.keys.sorted() {
            for pattern in regexes[name] ?? [] {
                do {
                    patterns.append((name, try NSRegularExpression(pattern: pattern)))
                } catch {
                    throw TenantConfigurationError("regex '\(name)' pattern is invalid: \(pattern)")
                }
            }
        }
        self.patterns = patterns
    }

    /// Entities in `text`, ordered by position; offsets are in characters.
    func entities(in text: String) -> [Entity] {
        var found: [Entity] = []
        let range = NSRange(text.startIndex..., in: text)
        for (name, regex) in patterns {
            for match in regex.matches(in: text, range: range) {
                guard let matched = Range(match.range, in: text) else { continue }
                let start = text.distance(from: text.startIndex, to: matched.lowerBound)
                let end = text.distance(from: text.startIndex, to: matched.upperBound)
                guard !found.contains(where: { $0.name == name && $0.start == start }) else { continue }
                found.append(Entity(name: name, value: String(text[matched]), start: start, end: end))
            }
        }
        return found.sorted { ($0.start ?? 0, $0.name) < ($1.start ?? 0, $1.name) }
    }
}
