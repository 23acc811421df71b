public import Foundation

/// When a tenant's human agents are available: opening windows per weekday in an IANA time zone.
///
/// Local time follows the zone's daylight-saving rules. A window crossing midnight belongs to the
/// day it starts on. A weekday without windows is closed all day.
public struct BusinessHours: Sendable, Hashable {
    /// IANA time zone id, e.g. `Europe/Berlin`.
    public let timeZoneIdentifier: String
    /// Opening windows per weekday.
    public let windows: [Weekday: [OpeningWindow]]
    private let calendar: Calendar

    /// Creates business hours; throws if the time zone is unknown.
    public init(timeZone identifier: String, windows: [Weekday: [OpeningWindow]]) throws(TenantConfigurationError) {
        guard let zone = TimeZone(identifier: identifier) else {
            throw TenantConfigurationError("unknown time zone '\(identifier)'")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
        self.timeZoneIdentifier = identifier
        self.windows = windows
    }

    /// Whether agents are available at `date`.
    public func isOpen(at date: Date) -> Bool {
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let number = parts.weekday, let day = Weekday(gregorian: number) else { return false }
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let today = windows[day, default: []].contains { window in
            window.crossesMidnight
                ? minute >= window.startMinute
                : (window.startMinute..<window.endMinute).contains(minute)
        }
        if today { return true }
        return windows[day.previous, default: []].contains { $0.crossesMidnight && minute < $0.endMinute }
    }

    public static func == (lhs: BusinessHours, rhs: BusinessHours) -> Bool {
        lhs.timeZoneIdentifier == rhs.timeZoneIdentifier && lhs.windows == rhs.windows
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(timeZoneIdentifier)
        hasher.combine(windows)
    }
}

extension BusinessHours: Codable {
    private enum CodingKeys: String, CodingKey {
        case timeZone = "time_zone"
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let zone = try container.decode(String.self, forKey: .timeZone)
        var windows: [Weekday: [OpeningWindow]] = [:]
        for day in Weekday.allCases {
            guard let key = CodingKeys(rawValue: day.rawValue) else { continue }
            windows[day] = try container.decodeIfPresent([OpeningWindow].self, forKey: key)
        }
        do {
            try self.init(timeZone: zone, windows: windows)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .timeZone, in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(timeZoneIdentifier, forKey: .timeZone)
        for day in Weekday.allCases {
            guard let key = CodingKeys(rawValue: day.rawValue), let list = windows[day], !list.isEmpty else { continue }
            try container.encode(list, forKey: key)
        }
    }
}
