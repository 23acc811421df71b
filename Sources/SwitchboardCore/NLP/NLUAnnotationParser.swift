import Foundation

/// Reads Rasa's inline entity annotations: `[AB123456](order_id)`, `[NYC](city:New York)` and
/// `[NYC]{"entity": "city", "value": "New York"}`.
enum NLUAnnotationParser {
    /// The plain text and its entity spans (offsets in Unicode scalars of the plain text).
    static func parse(_ annotated: String) -> (text: String, entities: [EntitySpan]) {
        let scalars = Array(annotated.unicodeScalars)
        var output = String.UnicodeScalarView()
        var outputCount = 0
        var entities: [EntitySpan] = []
        var index = 0
        while index < scalars.count {
            if scalars[index] == "[", let parsed = annotation(in: scalars, at: index) {
                let start = outputCount
                output.append(contentsOf: parsed.value.unicodeScalars)
                outputCount += parsed.value.unicodeScalars.count
                entities.append(
                    EntitySpan(entity: parsed.entity, start: start, end: outputCount, value: parsed.synonym))
                index = parsed.next
            } else {
                output.append(scalars[index])
                outputCount += 1
                index += 1
            }
        }
        let text = String(output)
        // Leading or trailing whitespace is dropped from the text; spans shift with it.
        let leading = text.unicodeScalars.prefix { $0.properties.isWhitespace }.count
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let length = trimmed.unicodeScalars.count
        let shifted = entities.compactMap { span -> EntitySpan? in
            var span = span
            span.start -= leading
            span.end -= leading
            guard span.start >= 0, span.end <= length, span.start < span.end else { return nil }
            return span
        }
        return (trimmed, shifted)
    }

    private struct Parsed {
        var value: String
        var entity: String
        var synonym: String?
        var next: Int
    }

    private struct JSONAnnotation: Decodable {
        var entity: String
        var value: String?
    }

    private static func annotation(in scalars: [Unicode.Scalar], at open: Int) -> Parsed? {
        guard let close = scalars[(open + 1)...].firstIndex(of: "]"), close + 1 < scalars.count else { return nil }
        let value = string(scalars[(open + 1)..<close])
        let marker = scalars[close + 1]
        if marker == "(" {
            guard let end = scalars[(close + 2)...].firstIndex(of: ")") else { return nil }
            let body = string(scalars[(close + 2)..<end])
            let parts = body.split(separator: ":", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard let entity = parts.first, !entity.isEmpty else { return nil }
            let synonym = parts.count == 2 && !parts[1].isEmpty ? parts[1] : nil
            return Parsed(value: value, entity: entity, synonym: synonym, next: end + 1)
        }
        if marker == "{" {
            guard let end = scalars[(close + 2)...].firstIndex(of: "}") else { return nil }
            let body = string(scalars[(close + 1)...end])
            guard let decoded = try? JSONDecoder().decode(JSONAnnotation.self, from: Data(body.utf8)) else {
                return nil
            }
            return Parsed(value: value, entity: decoded.entity, synonym: decoded.value, next: end + 1)
        }
        return nil
    }

    private static func string(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: slice)
        return String(view)
    }
}
