import Foundation

// Canonical Extended JSON is how hand-written documents reach libbson (`BSONDocument(_:)`): it names every
// BSON type exactly (`$numberInt`, `$numberLong`, `$date`...), so nothing is guessed from the text.

extension MongoDocument {
    /// The document as canonical Extended JSON text, keys in order.
    var extendedJSON: String {
        var output = ""
        MongoValue.document(self).writeExtendedJSON(to: &output)
        return output
    }
}

extension MongoValue {
    func writeExtendedJSON(to output: inout String) {
        switch self {
        case .string(let value): Self.writeQuoted(value, to: &output)
        case .int32(let value): output += #"{"$numberInt":"\#(value)"}"#
        case .int64(let value): output += #"{"$numberLong":"\#(value)"}"#
        case .double(let value): output += #"{"$numberDouble":"\#(Self.canonical(value))"}"#
        case .bool(let value): output += value ? "true" : "false"
        case .date(let value): output += #"{"$date":{"$numberLong":"\#(value.bsonMilliseconds)"}}"#
        case .objectId(let value): output += #"{"$oid":"\#(value.hex)"}"#
        case .binary(let value): output += #"{"$binary":{"base64":"\#(value.base64EncodedString())","subType":"00"}}"#
        case .null: output += "null"
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.writeExtendedJSON(to: &output)
            }
            output += "]"
        case .document(let document):
            output += "{"
            for (index, field) in document.fields.enumerated() {
                if index > 0 { output += "," }
                Self.writeQuoted(field.key, to: &output)
                output += ":"
                field.value.writeExtendedJSON(to: &output)
            }
            output += "}"
        }
    }

    private static func canonical(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    private static func writeQuoted(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                output += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                output += String(scalar.value, radix: 16)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

extension Date {
    /// Milliseconds since 1970 as BSON stores them, rounded to the nearest millisecond.
    var bsonMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    init(bsonMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(bsonMilliseconds) / 1000)
    }
}
