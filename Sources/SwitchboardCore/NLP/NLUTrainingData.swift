import Foundation
import Yams

/// Training data for the built-in NLP engine, read from a Rasa-style YAML file:
///
/// ```yaml
/// version: "3.1"
/// nlu:
///   - intent: greet
///     examples: |
///       - hello
///   - regex: order_id
///     examples: |
///       - [A-Z]{2}\d{6}
/// responses:
///   utter_greet:
///     - text: "Hello!"
///   utter_ask_size:
///     - text: "Which size, {name}?"
///       image: https://shop.example/sizes.png
///       buttons:
///         - title: Small
///           payload: '/inform{"size": "small"}'
/// ```
///
/// Entity annotations in examples (`[AB123456](order_id)`, `[NYC](city:New York)`,
/// `[NYC]{"entity": "city", "value": "New York"}`) become entity spans for the tagger; `synonym:` items
/// normalise values and `lookup:` items are gazetteers for the tagger. A top-level `regex:` map of
/// name → pattern(s) is accepted too. A response variant keeps its `text`, `buttons` and `image` (see
/// ``BotResponse``); a variant without text or image is left out, as are Rasa's other keys (`custom`,
/// `channel`, ...). ``parse(json:)`` reads the benchmark format of `shared/nlp`.
public struct NLUTrainingData: Sendable, Hashable {
    /// Examples of one intent.
    public struct IntentExamples: Sendable, Hashable {
        /// Intent name.
        public var name: String
        /// Example utterances.
        public var examples: [String]
        /// Entity spans of each example (parallel to ``examples``; empty when none are annotated).
        public var entities: [[EntitySpan]]

        /// Creates examples for an intent, without entity annotations.
        public init(name: String, examples: [String]) {
            self.init(name: name, examples: examples, entities: examples.map { _ in [] })
        }

        /// Creates examples for an intent with their entity spans (one list per example).
        public init(name: String, examples: [String], entities: [[EntitySpan]]) {
            self.name = name
            self.examples = examples
            self.entities =
                entities.count == examples.count
                ? entities : examples.indices.map { entities.indices.contains($0) ? entities[$0] : [] }
        }
    }

    /// Examples per intent, in file order, one entry per intent.
    public var intents: [IntentExamples]
    /// Regex entity patterns per entity name.
    public var regexes: [String: [String]]
    /// Response variants per response name (`utter_greet`), with their buttons and images.
    public var responseVariants: [String: [BotResponse]]
    /// Response texts per response name (`utter_greet`); setting them makes every variant text only.
    public var responses: [String: [String]] {
        get { responseVariants.mapValues { $0.map(\.text) } }
        set { responseVariants = newValue.mapValues { $0.map { BotResponse(text: $0) } } }
    }
    /// Synonyms: lowercased surface text → the value an entity gets (`nyc` → `New York`).
    public var synonyms: [String: String]
    /// Lookup tables (gazetteers) per entity type.
    public var lookups: [String: [String]]

    /// Creates training data in code; repeated intent names are merged. A name in `responseVariants` replaces
    /// the same name's text-only `responses`.
    public init(
        intents: [IntentExamples], regexes: [String: [String]] = [:], responses: [String: [String]] = [:],
        synonyms: [String: String] = [:], lookups: [String: [String]] = [:],
        responseVariants: [String: [BotResponse]] = [:]
    ) {
        var merged: [IntentExamples] = []
        var positions: [String: Int] = [:]
        for intent in intents {
            if let index = positions[intent.name] {
                merged[index].examples.append(contentsOf: intent.examples)
                merged[index].entities.append(contentsOf: intent.entities)
            } else {
                positions[intent.name] = merged.count
                merged.append(intent)
            }
        }
        self.intents = merged
        self.regexes = regexes
        self.responseVariants = responses.mapValues { $0.map { BotResponse(text: $0) } }
            .merging(responseVariants) { _, rich in rich }
        self.synonyms = synonyms
        self.lookups = lookups
    }

    /// Every example with its intent and entities, intents in file order.
    public var examples: [NLUExample] {
        intents.flatMap { intent in
            zip(intent.examples, intent.entities).map { NLUExample(text: $0, intent: intent.name, entities: $1) }
        }
    }

    /// Whether any example has an entity annotation.
    public var hasEntityAnnotations: Bool { intents.contains { $0.entities.contains { !$0.isEmpty } } }

    /// Parses a Rasa-style YAML training file.
    public static func parse(yaml: String) throws(TenantConfigurationError) -> NLUTrainingData {
        let raw: RawFile
        do {
            raw = try YAMLDecoder().decode(RawFile.self, from: yaml)
        } catch {
            throw TenantConfigurationError("training data is not valid: \(Self.describe(error))")
        }
        var intents: [IntentExamples] = []
        var regexes = raw.regex?.mapValues(\.values) ?? [:]
        var synonyms: [String: String] = [:]
        var lookups: [String: [String]] = [:]
        for (index, item) in (raw.nlu ?? []).enumerated() {
            let raw = (item.examples?.values ?? []).filter { !$0.isEmpty }
            if let intent = item.intent {
                let parsed = raw.map(NLUAnnotationParser.parse).filter { !$0.text.isEmpty }
                guard !parsed.isEmpty else {
                    throw TenantConfigurationError("training data: intent '\(intent)' has no examples")
                }
                intents.append(
                    IntentExamples(name: intent, examples: parsed.map(\.text), entities: parsed.map(\.entities)))
                for (text, spans) in parsed {
                    for span in spans {
                        guard let value = span.value else { continue }
                        synonyms[text.scalarSlice(span.start, span.end).lowercased()] = value
                        synonyms[value.lowercased()] = value
                    }
                }
            } else if let name = item.regex {
                regexes[name, default: []].append(contentsOf: raw)
            } else if let value = item.synonym {
                for surface in raw { synonyms[surface.lowercased()] = value }
                synonyms[value.lowercased()] = value
            } else if let name = item.lookup {
                lookups[name, default: []].append(contentsOf: raw)
            } else {
                throw TenantConfigurationError(
                    "training data: nlu item \(index + 1) has no intent, regex, synonym or lookup")
            }
        }
        for (name, patterns) in regexes {
            for pattern in patterns where (try? NSRegularExpression(pattern: pattern)) == nil {
                throw TenantConfigurationError("training data: regex '\(name)' pattern is invalid: \(pattern)")
            }
        }
        var variants: [String: [BotResponse]] = [:]
        for (name, items) in raw.responses ?? [:] {
            var parsed: [BotResponse] = []
            for (index, item) in items.enumerated() {
                if let response = try item.response(name: name, index: index) { parsed.append(response) }
            }
            if !parsed.isEmpty { variants[name] = parsed }
        }
        return NLUTrainingData(
            intents: intents, regexes: regexes, synonyms: synonyms, lookups: lookups, responseVariants: variants)
    }

    private static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, let context):
                return "missing '\(describeCodingPath(context.codingPath + [key]))'"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                return "wrong value at '\(describeCodingPath(context.codingPath))'"
            @unknown default:
                return "\(decoding)"
            }
        }
        return "\(error)"
    }
}

private struct RawFile: Decodable {
    var version: String?
    var nlu: [RawItem]?
    var responses: [String: [RawResponse]]?
    var regex: [String: StringList]?
}

private struct RawItem: Decodable {
    var intent: String?
    var regex: String?
    var synonym: String?
    var lookup: String?
    var examples: StringList?
}

private struct RawResponse: Decodable {
    var text: String?
    var buttons: [RawButton]?
    var image: String?

    struct RawButton: Decodable {
        var title: String?
        var payload: String?
    }

    /// The variant, nil for one with neither text nor image (text-only responses read as they always did);
    /// throws for buttons or an image that could not be sent.
    func response(name: String, index: Int) throws(TenantConfigurationError) -> BotResponse? {
        guard text != nil || image != nil else { return nil }
        let buttons = (buttons ?? []).map { BotResponse.Button(title: $0.title ?? "", payload: $0.payload ?? "") }
        if let problem = BotResponse.problem(text: text ?? "", buttons: buttons, image: image) {
            throw TenantConfigurationError("training data: response '\(name)' variant \(index + 1): \(problem)")
        }
        return BotResponse(text: text ?? "", buttons: buttons, image: image)
    }
}

/// Rasa writes examples as a block of `- item` lines; plain YAML lists and single strings work too.
private struct StringList: Decodable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([String].self) {
            values = list
            return
        }
        let block = try container.decode(String.self)
        let lines = block.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }
            .filter { !$0.isEmpty }
        if lines.allSatisfy({ $0.hasPrefix("- ") || $0 == "-" }) {
            values = lines.map { String($0.dropFirst(1)).trimmingWhitespace() }
        } else {
            values = [block.trimmingWhitespace()]
        }
    }
}
