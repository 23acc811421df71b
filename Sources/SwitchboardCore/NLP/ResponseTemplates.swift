/// Reply texts per intent, from the training file's `utter_<intent>` responses.
///
/// Texts may contain `{entity}` placeholders; placeholders are never sent unfilled. Among the variants
/// whose placeholders can all be filled, the most specific ones (using the most placeholders) are
/// kept, and one of them is chosen deterministically by rotating with a number the caller passes
/// (e.g. the message's sequence in the session).
public struct ResponseTemplates: Sendable, Hashable {
    /// Texts per response name, e.g. `utter_greet`.
    public var responses: [String: [String]]

    /// Creates templates.
    public init(_ responses: [String: [String]]) {
        self.responses = responses
    }

    /// The reply for `intent` with `entities` filled in, or nil when there is no usable template.
    public func reply(for intent: String, entities: [Entity], variant: Int = 0) -> String? {
        let filled = (responses["utter_" + intent] ?? []).compactMap { Self.fill($0, with: entities) }
        guard let mostSpecific = filled.map(\.placeholders).max() else { return nil }
        let candidates = filled.filter { $0.placeholders == mostSpecific }.map(\.text)
        let index = ((variant % candidates.count) + candidates.count) % candidates.count
        return candidates[index]
    }

    /// Replaces each `{name}` by the first entity of that name; nil if one has no entity.
    static func fill(_ template: String, with entities: [Entity]) -> (text: String, placeholders: Int)? {
        var result = ""
        var placeholders = 0
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            guard let entity = entities.first(where: { $0.name == name }) else { return nil }
            result += rest[..<open] + entity.value
            placeholders += 1
            rest = rest[rest.index(after: close)...]
        }
        return (result + rest, placeholders)
    }
}
