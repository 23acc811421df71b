import Foundation

/// A message that names its intent itself, Rasa's way: `/intent_name` or
/// `/intent_name{"entity": "value", ...}`, usually a button's payload. Such a message is not classified:
/// its intent is taken with confidence 1, with the JSON's entities.
///
/// Anything else, including a malformed one (JSON that does not parse or is not an object of strings,
/// numbers and booleans, a name with other characters than letters, digits, `_`, `-` and `.`, more than
/// ``maxBytes``), is no command, and the message is classified as usual.
public struct IntentCommand: Sendable, Hashable {
    /// The intent named.
    public var intent: String
    /// The entities of the JSON, ordered by name (an array value gives one entity per element).
    public var entities: [Entity]

    /// The longest command read, in UTF-8 bytes.
    public static let maxBytes = 1000
    /// The longest intent name read.
    public static let maxNameLength = 100

    /// Creates a command.
    public init(intent: String, entities: [Entity] = []) {
        self.intent = intent
        self.entities = entities
    }

    /// Reads `text` (surrounding white space ignored); nil when it is not a well-formed command.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("/"), trimmed.utf8.count <= Self.maxBytes else { return nil }
        let body = trimmed.dropFirst()
        let name = body.prefix { $0 != "{" }
        guard !name.isEmpty, name.count <= Self.maxNameLength,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
        else { return nil }
        let json = body[name.endIndex...]
        var entities: [Entity] = []
        if !json.isEmpty {
            guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) else {
                return nil
            }
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                let values: [JSONValue]
                if case .array(let elements) = value { values = elements } else { values = [value] }
                for element in values {
                    guard let text = Self.entityValue(element) else { return nil }
                    entities.append(Entity(name: key, value: text))
                }
            }
        }
        self.init(intent: String(name), entities: entities)
    }

    /// What the engines would have made of the message: the intent at confidence 1, and the entities.
    public var result: NLPResult {
        NLPResult(
            intent: intent, confidence: 1, entities: entities, ranking: [IntentScore(intent: intent, confidence: 1)])
    }

    private static func entityValue(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number: value.scalarText
        case .null, .array, .object: nil
        }
    }
}
