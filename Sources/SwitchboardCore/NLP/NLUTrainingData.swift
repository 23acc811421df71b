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
/// ```
///
/// Entity annotations in examples (`[AB123456](order_id)`) are reduced to their text. Synonyms and
/// lookup tables are ignored. A top-level `regex:` map of name → pattern(s) is accepted too.
public struct NLUTrainingData: Sendable, Hashable {
    /// Examples of one intent.
    public struct IntentExamples: Sendable, Hashable {
        /// Intent name.
        public var name: String
        /// Example utterances.
        public var examples: [String]

        /// Creates examples for an intent.
        public init(name: String, examples: [String]) {
            self.name = name
            self.examples = examples
        }
    }

    /// Examples per intent, in file order, one entry per intent.
    public var intents: [IntentExamples]
    /// Regex entity patterns per entity name.
    public var regexes: [String: [String]]
    /// Response texts per response name (`utter_greet`).
    public var responses: [String: [String]]

    /// Creates training data in code; repeated intent names are merged.
    public init(intents: [IntentExamples], regexes: [String: [String]] = [:], responses: [String: [String]] = [:]) {
        var merged: [IntentExamples] = []
        for intent in intents {
            if let index = merged.firstIndex(where: { $0.name == intent.name }) {
                merged[index].examples.append(contentsOf: intent.examples)
            } else {
                merged.append(intent)
            }
        }
        self.intents = merged
        self.regexes = regexes
        self.responses = responses
    }

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
        for (index, item) in (raw.nlu ?? []).enumerated() {
            let raw = (item.examples?.values ?? []).filter { !$0.isEmpty }
            if let intent = item.intent {
                let examples = raw.map(stripAnnotations).filter { !$0.isEmpty }
                guard !examples.isEmpty else {
                    throw TenantConfigurationError("training data: intent '\(intent)' has no examples")
                }
                intents.append(IntentExamples(name: intent, examples: examples))
            } else if let name = item.regex {
                regexes[name, default: []].append(contentsOf: raw)
            } else if item.synonym == nil, item.lookup == nil {
                throw TenantConfigurationError(
                    "training data: nlu item \(index + 1) has no intent, regex, synonym or lookup")
            }
        }
        for (name, patterns) in regexes {
            for pattern in patterns where (try? NSRegularExpression(pattern: pattern)) == nil {
                throw TenantConfigurationError("training data: regex '\(name)' pattern is invalid: \(pattern)")
            }
        }
        let responses = (raw.responses ?? [:]).mapValues { $0.compactMap(\.text) }.filter { !$0.value.isEmpty }
        return NLUTrainingData(intents: intents, regexes: regexes, responses: responses)
    }

    /// `[AB123456](order_id)` and `[x]{"entity": ...}` become their text.
    static func stripAnnotations(_ example: String) -> String {
        var text = example
        for pattern in [#"\[([^\]]*)\]\([^)]*\)"#, #"\[([^\]]*)\]\{[^}]*\}"#] {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
            text = regex.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1")
        }
        return text.trimmingWhitespace()
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
