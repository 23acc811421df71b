public import Foundation

/// The start of a report window as users write it: a duration back from now (`7d`, `24h`, `90m`) or a UTC
/// day (`2026-12-01`).
public enum AnalyticsWindow {
    /// The longest window: 366 days.
    public static let longest: TimeInterval = 366 * 86_400

    /// The start `text` names, relative to `now`; nil when it does not parse or reaches back more than 366 days.
    public static func since(_ text: String, now: Date) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3_600, "m": 60]
        if let unit = text.last, let seconds = units[unit], let count = Int(text.dropLast()), count > 0,
            Double(count) * seconds <= longest
        {
            return now.addingTimeInterval(-Double(count) * seconds)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let day = formatter.date(from: text), now.timeIntervalSince(day) <= longest else { return nil }
        return day
    }
}
