/// Reply variants per intent, from the training file's `utter_<intent>` responses.
///
/// Texts may contain `{entity}` placeholders, and so may a rich variant's button titles and payloads (in a
/// payload only `{name}` made of letters, digits and `_` is a placeholder, so `/inform{"size": "{size}"}`
/// keeps its JSON braces); placeholders are never sent unfilled. Among the variants whose placeholders can
/// all be filled, the most specific ones (using the most placeholders) are kept, and one of them is chosen
/// deterministically by rotating with a number the caller passes (e.g. the message's sequence in the session).
public struct ResponseTemplates: Sendable, Hashable {
    /// Variants per response name, e.g. `utter_greet`.
    public var variants: [String: [BotResponse]]

    /// Texts per response name, e.g. `utter_greet` (each variant's text).
    public var responses: [String: [String]] { variants.mapValues { $0.map(\.text) } }

    /// Whether a variant has buttons, which a customer may answer with a number on channels that show them as
    /// numbered lines.
    public var offersChoices: Bool {
        variants.values.contains { list in list.contains { variant in !variant.buttons.isEmpty } }
    }

    /// Creates text-only templates.
    public init(_ responses: [String: [String]]) {
        self.variants = responses.mapValues { $0.map { BotResponse(text: $0) } }
    }

    /// Creates templates whose variants may have buttons and images.
    public init(variants: [String: [BotResponse]]) {
        self.variants = variants
    }

    /// The reply text for `intent` with `entities` filled in, or nil when there is no usable template.
    public func reply(for intent: String, entities: [Entity], variant: Int = 0) -> String? {
        response(for: intent, entities: entities, variant: variant)?.text
    }

    /// The variant for `intent` with `entities` filled in (text, button titles and payloads), or nil when
    /// there is no usable template. The same variant ``reply(for:entities:variant:)`` gives the text of.
    public func response(for intent: String, entities: [Entity], variant: Int = 0) -> BotResponse? {
        let filled = (variants["utter_" + intent] ?? []).compactMap { Self.fill($0, with: entities) }
        guard let mostSpecific = filled.map(\.placeholders).max() else { return nil }
        let candidates = filled.filter { $0.placeholders == mostSpecific }.map(\.response)
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

    /// `response` with its text, button titles and payloads filled, and the placeholders it used; nil if one
    /// has no entity.
    static func fill(_ response: BotResponse, with entities: [Entity]) -> (response: BotResponse, placeholders: Int)? {
        guard let text = fill(response.text, with: entities) else { return nil }
        var filled = BotResponse(text: text.text, image: response.image)
        var placeholders = text.placeholders
        for button in response.buttons {
            guard let title = fill(button.title, with: entities),
                let payload = fillPayload(button.payload, with: entities)
            else { return nil }
            filled.buttons.append(BotResponse.Button(title: title.text, payload: payload.text))
            placeholders += title.placeholders + payload.placeholders
        }
        return (filled, placeholders)
    }

    /// Replaces each `{name}` whose name is letters, digits and `_` by the first entity of that name (nil if
    /// one has no entity); other braces, a payload's JSON, stay as they are.
    static func fillPayload(_ payload: String, with entities: [Entity]) -> (text: String, placeholders: Int)? {
        var result = ""
        var placeholders = 0
        var rest = Substring(payload)
        while let open = rest.firstIndex(of: "{") {
            let after = rest.index(after: open)
            let name = rest[after...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            guard !name.isEmpty, name.endIndex < rest.endIndex, rest[name.endIndex] == "}" else {
                result += rest[...open]
                rest = rest[after...]
                continue
            }
            guard let entity = entities.first(where: { $0.name == String(name) }) else { return nil }
            result += rest[..<open] + entity.value
            placeholders += 1
            rest = rest[rest.index(after: name.endIndex)...]
        }
        return (result + rest, placeholders)
    }
}
