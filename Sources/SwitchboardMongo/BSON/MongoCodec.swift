import Foundation

/// `Codable` documents travel as MongoDB relaxed Extended JSON, which libbson turns into BSON and back
/// (`BSONDocument`). This is where the JSON side is configured; dates are the only type that needs help.
enum MongoCodec {
    static func encode(_ value: some Encodable) throws(MongoError) -> Data {
        do {
            return try makeEncoder().encode(value)
        } catch {
            throw MongoError(code: .encoding, reason: "cannot encode \(type(of: value)): \(Self.summary(error))")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: Data) throws(MongoError) -> T {
        do {
            return try makeDecoder().decode(type, from: json)
        } catch {
            throw MongoError(code: .decoding, reason: "cannot decode \(type): \(Self.summary(error))")
        }
    }

    /// The coding path and kind of failure, never the values (they may be message bodies).
    private static func summary(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "<root>" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case DecodingError.typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath))"
        case DecodingError.valueNotFound(let type, let context):
            return "null where \(type) was expected at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return "invalid data at \(path(context.codingPath))"
        case EncodingError.invalidValue(_, let context):
            return "invalid value at \(path(context.codingPath))"
        default:
            return "\(type(of: error))"
        }
    }

    private enum DateKeys: String, CodingKey {
        case date = "$date"
    }

    private enum NumberLongKeys: String, CodingKey {
        case numberLong = "$numberLong"
    }

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        // JSONEncoder's key order otherwise changes from process to process; an embedded document compared
        // as a whole (`["profile": try MongoValue(encoding: profile)]`) needs the same order every time.
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.container(keyedBy: DateKeys.self)
            var number = container.nestedContainer(keyedBy: NumberLongKeys.self, forKey: .date)
            try number.encode(String(date.bsonMilliseconds), forKey: .numberLong)
        }
        return encoder
    }

    private static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        // Relaxed Extended JSON writes dates in years 1970-9999 as ISO 8601 text, all others as $numberLong.
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.container(keyedBy: DateKeys.self)
            if let text = try? container.decode(String.self, forKey: .date) {
                guard let milliseconds = parseISO8601Milliseconds(text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .date, in: container, debugDescription: "not an ISO 8601 UTC date")
                }
                return Date(bsonMilliseconds: milliseconds)
            }
            let number = try container.nestedContainer(keyedBy: NumberLongKeys.self, forKey: .date)
            let text = try number.decode(String.self, forKey: .numberLong)
            guard let milliseconds = Int64(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .numberLong, in: number, debugDescription: "not a 64-bit integer")
            }
            return Date(bsonMilliseconds: milliseconds)
        }
        return decoder
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` into exact milliseconds since 1970, with no floating point on the way.
    static func parseISO8601Milliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes.last == UInt8(ascii: "Z"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var milliseconds: Int64 = 0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21 else { return nil }
            let digits = bytes.count - 21
            guard digits <= 9, let fraction = number(20..<(bytes.count - 1)) else { return nil }
            var scaled = fraction
            for _ in 0..<(9 - digits) { scaled *= 10 }
            milliseconds = scaled / 1_000_000
        } else if bytes.count != 20 {
            return nil
        }
        // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian calendar.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milliseconds
    }
}
