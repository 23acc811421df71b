/// When the analytics consumer writes the records it gathered: once `maximumRecords` wait, or `interval` after
/// the first of them came. Gathering over an interval turns the several changes of one session into one upsert
/// and the facts of many polls into one insert, where writing every poll cost the database about one upsert
/// per message.
public struct AnalyticsGathering: Sendable {
    /// The longest a record waits to be written (and its offset to be committed).
    public let interval: Duration
    /// The most records gathered before they are written.
    public let maximumRecords: Int
    /// Records gathered and not written yet.
    public private(set) var waiting = 0
    private var since: ContinuousClock.Instant?

    public init(interval: Duration, maximumRecords: Int) {
        self.interval = interval
        self.maximumRecords = max(1, maximumRecords)
    }

    /// Takes `count` more records in at `now` (none: a poll that timed out); true when what waits is to be
    /// written now.
    public mutating func add(_ count: Int, at now: ContinuousClock.Instant) -> Bool {
        if count > 0, waiting == 0 { since = now }
        waiting += count
        return isDue(at: now)
    }

    /// Whether what waits is to be written at `now`.
    public func isDue(at now: ContinuousClock.Instant) -> Bool {
        guard waiting > 0, let since else { return false }
        return waiting >= maximumRecords || now - since >= interval
    }

    /// What waited was written.
    public mutating func written() {
        waiting = 0
        since = nil
    }

    /// How long the next poll may wait for records: until the first waiting record's interval ends, or a whole
    /// interval when nothing waits.
    public func pollTimeout(at now: ContinuousClock.Instant) -> Duration {
        guard waiting > 0, let since else { return interval }
        return max(.milliseconds(1), interval - (now - since))
    }
}
