import Logging

/// Builds one JSON object as text, field by field, without an intermediate tree.
///
/// Log lines are written on every hot path, so this avoids Foundation's `JSONSerialization` and its
/// boxing; the tests parse the output with `JSONSerialization` to prove it is valid JSON.
struct JSONLine {
    private(set) var text: String
    private var isFirstField = true

    init(capacity: Int = 256) {
        self.text = "{"
        self.text.reserveCapacity(capacity)
    }

    mutating func field(_ key: String, string value: String) {
        self.key(key)
        Self.appendString(value, to: &self.text)
    }

    mutating func field(_ key: String, value: Logger.MetadataValue, redacting isSecret: (String) -> Bool) {
        self.key(key)
        Self.appendValue(value, to: &self.text, redacting: isSecret)
    }

    /// The finished object followed by a newline.
    mutating func finish() -> String {
        self.text.append("}\n")
        return self.text
    }

    private mutating func key(_ key: String) {
        if self.isFirstField {
            self.isFirstField = false
        } else {
            self.text.append(",")
        }
        Self.appendString(key, to: &self.text)
        self.text.append(":")
    }

    static func appendValue(
        _ value: Logger.MetadataValue,
        to text: inout String,
        redacting isSecret: (String) -> Bool
    ) {
        switch value {
        case .string(let string):
            appendString(string, to: &text)
        case .stringConvertible(let convertible):
            appendString(convertible.description, to: &text)
        case .array(let values):
            text.append("[")
            for (index, element) in values.enumerated() {
                if index > 0 { text.append(",") }
                appendValue(element, to: &text, redacting: isSecret)
            }
            text.append("]")
        case .dictionary(let dictionary):
            text.append("{")
            // Sorted so that identical metadata always renders identically (diffable, greppable).
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { text.append(",") }
                appendString(key, to: &text)
                text.append(":")
                if isSecret(key) {
                    appendString(JSONLogHandler.redactedValue, to: &text)
                } else {
                    appendValue(dictionary[key]!, to: &text, redacting: isSecret)
                }
            }
            text.append("}")
        }
    }

    /// Appends `string` as a JSON string literal (RFC 8259): quotes, backslashes and every control character
    /// are escaped; other Unicode is written as UTF-8, except U+2028/U+2029, which some JSON consumers
    /// (JavaScript-based log viewers) treat as line breaks.
    static func appendString(_ string: String, to text: inout String) {
        text.append("\"")
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            case "\u{08}": text.append("\\b")
            case "\u{0C}": text.append("\\f")
            case "\u{2028}", "\u{2029}": appendUnicodeEscape(scalar.value, to: &text)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    appendUnicodeEscape(scalar.value, to: &text)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text.append("\"")
    }

    private static func appendUnicodeEscape(_ value: UInt32, to text: inout String) {
        let hex = String(value, radix: 16, uppercase: false)
        text.append("\\u")
        text.append(String(repeating: "0", count: 4 - hex.count))
        text.append(hex)
    }
}
