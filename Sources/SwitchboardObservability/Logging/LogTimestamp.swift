#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// ISO-8601 UTC timestamps with milliseconds (`2025-03-01T12:34:56.789Z`), computed without Foundation's
/// formatters, which are neither cheap nor `Sendable`.
enum LogTimestamp {
    /// Milliseconds since the Unix epoch, from the real-time clock.
    static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Formats milliseconds since the Unix epoch.
    static func format(epochMilliseconds: Int64) -> String {
        let milliseconds = epochMilliseconds.remainderFloorDivided(by: 1000)
        let seconds = (epochMilliseconds - milliseconds) / 1000
        let secondOfDay = seconds.remainderFloorDivided(by: 86_400)
        let days = (seconds - secondOfDay) / 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)

        var text = String()
        text.reserveCapacity(24)
        text.append(pad(year, 4))
        text.append("-")
        text.append(pad(month, 2))
        text.append("-")
        text.append(pad(day, 2))
        text.append("T")
        text.append(pad(secondOfDay / 3600, 2))
        text.append(":")
        text.append(pad(secondOfDay % 3600 / 60, 2))
        text.append(":")
        text.append(pad(secondOfDay % 60, 2))
        text.append(".")
        text.append(pad(milliseconds, 3))
        text.append("Z")
        return text
    }

    /// Howard Hinnant's `civil_from_days`: proleptic Gregorian calendar, exact for any day count.
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    fileprivate func remainderFloorDivided(by divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
