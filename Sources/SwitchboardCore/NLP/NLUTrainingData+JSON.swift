public import Foundation

extension NLUTrainingData {
    private struct Row: Decodable {
        var text: String
        var intent: String
        var entities: [RowEntity]?
    }

    private struct RowEntity: Decodable {
        var entity: String
        var start: Int
        var end: Int
        var value: String?
    }

    /// Reads the JSON format of `shared/nlp`: an array of `{"text", "intent", "entities": [{"entity",
    /// "start", "end"}]}` with offsets in Unicode scalars. Intents keep the order of first appearance.
    public static func parse(json: Data) throws(TenantConfigurationError) -> NLUTrainingData {
        let rows: [Row]
        do {
            rows = try JSONDecoder().decode([Row].self, from: json)
        } catch {
            throw TenantConfigurationError("training data is not a JSON array of {text, intent, entities}")
        }
        var intents: [IntentExamples] = []
        var positions: [String: Int] = [:]
        for (number, row) in rows.enumerated() {
            let length = row.text.unicodeScalars.count
            var spans: [EntitySpan] = []
            for entity in row.entities ?? [] {
                guard 0 <= entity.start, entity.start < entity.end, entity.end <= length else {
                    throw TenantConfigurationError(
                        "training data: row \(number + 1) has an entity span outside its text")
                }
                spans.append(EntitySpan(entity: entity.entity, start: entity.start, end: entity.end))
            }
            spans.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            if let index = positions[row.intent] {
                intents[index].examples.append(row.text)
                intents[index].entities.append(spans)
            } else {
                positions[row.intent] = intents.count
                intents.append(IntentExamples(name: row.intent, examples: [row.text], entities: [spans]))
            }
        }
        return NLUTrainingData(intents: intents)
    }

    /// Reads YAML or JSON, whichever `data` holds (JSON when its first non-blank character is `[`).
    public static func parse(data: Data) throws(TenantConfigurationError) -> NLUTrainingData {
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if firstByte == UInt8(ascii: "[") { return try parse(json: data) }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw TenantConfigurationError("training data is not UTF-8")
        }
        return try parse(yaml: yaml)
    }
}
