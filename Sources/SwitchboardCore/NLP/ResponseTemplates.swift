/// Reply texts per intent, from the training file's `utter_<intent>` responses.
///
/// Texts may contain `{entity}` placeholders. A variant is chosen deterministically (rotating by a
/// number the caller passes, e.g. the message's sequence in the session) among the variants whose
/// placeholders can all be filled; placeholders are never sent unfilled.
public struct ResponseTemplates: Sendable, Hashable {
    /// Texts per response name, e.g. `utter_greet`.
    public var responses: [String: [String]]

    /// Creates templates.
    public init(_ responses: [String: [String]]) {
        self.responses = responses
    }

    /// The reply for `intent` with `entities` filled in, or nil when there is no usable template.
    public func reply(for intent: String, entities: [Entity], variant: Int = 0) -> String? {
        let candidates = (responses["utter_" + intent] ?? []).compactMap { Self.fill($0, with: entities) }
        guard !candidates.isEmpty else { return nil }
        let index = ((variant % candidates.count) + candidates.count) % candidates.count
        return candidates[index]
    }

    /// Replaces each `{name}` by the first entity of that name; nil if one has no entity.
    static func fill(_ template: String, with entities: [Entity]) -> String? {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            guard let entity = entities.first(where: { $0.name == name }) else { return nil }
            result += rest[..<open] + entity.value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
