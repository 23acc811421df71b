public import Foundation

/// The JSON conventions of every Switchboard wire format: explicit snake_case keys, ISO-8601 dates
/// with fractional seconds (in UTC), sorted keys.
public enum SwitchboardJSON {
    /// A decoder for Switchboard JSON. Accepts dates with or without fractional seconds, from 1970 to 9999
    /// (``Foundation/Date/writable``): a date the encoder could not write back is refused here, with the
    /// field's name, rather than by the next stage that forwards the envelope.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let string = try container.decode(String.self)
            guard let date = parseDate(string) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO-8601 date-time")
            }
            guard date.isWritable else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected a date from 1970 to 9999")
            }
            return date
        }
        return decoder
    }

    /// An encoder for Switchboard JSON.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            guard date.isWritable else {
                // The seconds, not the date: describing a date that is not a number traps in Foundation.
                throw EncodingError.invalidValue(
                    date.timeIntervalSince1970,
                    .init(
                        codingPath: encoder.codingPath,
                        debugDescription: "a date before 1970 or after 9999 cannot be written"))
            }
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        return encoder
    }

    /// Formats a date as ISO-8601 UTC with milliseconds, e.g. `2025-03-01T09:30:00.123Z`.
    /// Wire dates have millisecond precision; the date is rounded to the nearest millisecond. A date outside
    /// ``Foundation/Date/writable`` (not a number, before 1970, after 9999) has no such form: it is shown as
    /// `invalid date (<seconds since 1970>)` (the encoder refuses it).
    public static func formatDate(_ date: Date) -> String {
        guard date.isWritable else { return "invalid date (\(date.timeIntervalSince1970))" }
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let fraction = Int(milliseconds - seconds * 1000)
        let whole = Date(timeIntervalSince1970: seconds).formatted(plainStyle)
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Parses an ISO-8601 date-time with or without fractional seconds.
    public static func parseDate(_ string: String) -> Date? {
        if let date = try? fractionalStyle.parse(string) { return date }
        return try? plainStyle.parse(string)
    }

    private static let fractionalStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let plainStyle = Date.ISO8601FormatStyle()
}
