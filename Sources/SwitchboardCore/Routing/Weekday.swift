/// A day of the week, as used in business hours.
public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// From Foundation's gregorian weekday number (1 = Sunday ... 7 = Saturday).
    init?(gregorian number: Int) {
        let order: [Weekday] = [.sunday, .monday, .tuesday, .wednesday, .thursday, .friday, .saturday]
        guard (1...7).contains(number) else { return nil }
        self = order[number - 1]
    }

    /// The day before.
    var previous: Weekday {
        let all = Weekday.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + all.count - 1) % all.count]
    }
}
