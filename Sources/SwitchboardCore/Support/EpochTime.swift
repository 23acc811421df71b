public import Foundation

extension Date {
    /// The dates Switchboard writes: from 1970-01-01 (nothing it records is older, and Foundation writes
    /// much older dates in the Julian calendar) to 9999-12-31T23:59:59.999Z (ISO-8601's four-digit years).
    public static let writable = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799.999)

    /// Whether the date lies in ``writable``. (`writable.contains` alone would take a date that is not a
    /// number: `Date`'s `<=` is `!(>)`, true for NaN.)
    public var isWritable: Bool {
        timeIntervalSince1970.isFinite && Date.writable.contains(self)
    }

    /// A date from the seconds since 1970 a channel sent, or nil when they are not a number, are negative or
    /// lie past 9999: no channel sends such a timestamp, and no wire date could carry it, so an adapter
    /// treats it as absent (the envelope keeps the time it was received).
    public init?(epochSeconds: Double) {
        guard (0...Date.writable.upperBound.timeIntervalSince1970).contains(epochSeconds) else { return nil }
        self.init(timeIntervalSince1970: epochSeconds)
    }
}
