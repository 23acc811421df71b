public import Foundation

/// The time slices a search reads back from the end of its range, each adjoining the one before, sized from how
/// many matches the slices read so far held.
///
/// A database that fetches every entry in an index range before it applies a `limit` (SecantusDB does) costs what
/// the range holds, so a search reads small slices first and stops as soon as it has what it needs. The first
/// slice is an hour; the next is sized to hold the matches still needed at the rate seen so far (with a margin),
/// at least a minute and at most ``growth`` times the span read so far, and ``growth`` times that span when nothing
/// matched yet. Past ``openAfter`` without a start, the last slice reads everything before. Slices do not
/// overlap, so no entry is read twice.
public struct SearchWindows: Sendable, Hashable {
    /// A slice of the range: `from` (inclusive; nil: since the beginning) to `before` (exclusive; nil: no end).
    public struct Slice: Sendable, Hashable {
        public var from: Date?
        public var before: Date?

        public init(from: Date?, before: Date?) {
            self.from = from
            self.before = before
        }
    }

    /// The first slice's length, in seconds.
    public static let first: TimeInterval = 3600
    /// How many times the span read so far the next slice may be.
    public static let growth: Double = 8
    /// The shortest slice after the first, in seconds.
    public static let shortest: TimeInterval = 60
    /// How much more than the estimate a slice covers, so that it usually suffices.
    public static let margin: Double = 1.25
    /// With no start to the range, the span beyond which the rest is read in one slice.
    public static let openAfter: TimeInterval = 400 * 86_400

    /// Where the slices are measured back from: the end of the range, or now.
    public let anchor: Date
    /// The start of the range (inclusive), if any.
    public let since: Date?
    /// The end of the range (exclusive), if any: the first slice's `before`.
    public let until: Date?
    /// The span read back from ``anchor`` so far, in seconds.
    public private(set) var covered: TimeInterval = 0
    /// The start of the last slice handed out.
    private var lower: Date?
    /// True once the last slice reached the start of the range.
    public private(set) var finished = false

    /// Slices of `since..<until`, measured back from `until`, or from `now` when the range has no end (the first
    /// slice is then open towards the future, so entries stamped by a clock ahead of this one are found too).
    public init(since: Date?, until: Date?, now: Date) {
        anchor = until ?? now
        self.since = since
        self.until = until
    }

    /// The next slice to read, given how many matches the slices read so far kept and how many are needed; nil
    /// when the range is read through (or enough was kept).
    public mutating func next(kept: Int, needed: Int) -> Slice? {
        if finished || (covered > 0 && kept >= needed) { return nil }
        let length: TimeInterval
        if covered == 0 {
            length = Self.first
        } else if kept == 0 {
            length = covered * Self.growth
        } else {
            let estimate = Double(needed - kept) / (Double(kept) / covered) * Self.margin
            length = min(max(estimate, Self.shortest), covered * Self.growth)
        }
        let before = covered == 0 ? until : lower
        covered += length
        var from: Date? = anchor.addingTimeInterval(-covered)
        if let since, let start = from, start <= since {
            from = since
            finished = true
        } else if since == nil, covered > Self.openAfter {
            from = nil
            finished = true
        }
        lower = from
        return Slice(from: from, before: before)
    }
}
