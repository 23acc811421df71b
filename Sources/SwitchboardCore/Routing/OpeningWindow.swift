import Foundation

/// One opening window on a weekday in local time, written `HH:MM-HH:MM`.
///
/// When the end is not after the start the window crosses midnight: `22:00-06:00` on Friday is open
/// Friday 22:00 until Saturday 06:00. `24:00` is allowed as an end. Start and end may not be equal.
public struct OpeningWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Minutes after local midnight when it opens, 0..<1440.
    public var startMinute: Int
    /// Minutes after local midnight when it closes (exclusive), 1...1440.
    public var endMinute: Int

    /// Whether the window runs into the next day.
    public var crossesMidnight: Bool { endMinute <= startMinute }

    /// Parses `HH:MM-HH:MM`.
    public init(parsing text: String) throws(TenantConfigurationError) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minute(parts[0]), let end = Self.minute(parts[1]),
            start < 1440, end > 0, start != end
        else {
            throw TenantConfigurationError("opening window '\(text)' is not HH:MM-HH:MM with different times")
        }
        startMinute = start
        endMinute = end
    }

    private static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440
        else { return nil }
        return hour * 60 + minute
    }

    public var description: String {
        func format(_ minute: Int) -> String {
            let hours = minute / 60, minutes = minute % 60
            return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
        }
        return "\(format(startMinute))-\(format(endMinute))"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
