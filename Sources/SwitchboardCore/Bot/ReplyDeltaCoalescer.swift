/// Turns a model's many small tokens into a few reply previews: the first piece goes out at once, later
/// ones when ``interval`` has passed since the last preview or ``maxPieces`` pieces have piled up, and
/// ``finish()`` sends what is left. Pure: the caller passes the time, so it is tested without a clock.
public struct ReplyDeltaCoalescer: Sendable {
    /// Least time between two previews. Default 50 ms.
    public let interval: Duration
    /// Most pieces held back before a preview goes out regardless of time. Default 16.
    public let maxPieces: Int
    /// The text so far.
    public private(set) var text = ""
    /// The number of the last preview handed out (0 before the first).
    public private(set) var sequence = 0
    private var pending = 0
    private var lastSent: ContinuousClock.Instant?

    public init(interval: Duration = .milliseconds(50), maxPieces: Int = 16) {
        self.interval = interval
        self.maxPieces = max(1, maxPieces)
    }

    /// Adds `piece`, arriving at `now`; the preview to send now (its number and the text so far), if any.
    public mutating func append(_ piece: String, at now: ContinuousClock.Instant) -> (sequence: Int, text: String)? {
        guard !piece.isEmpty else { return nil }
        text += piece
        pending += 1
        if let lastSent, now - lastSent < interval, pending < maxPieces { return nil }
        return emit(at: now)
    }

    /// The preview of the pieces held back, if any.
    public mutating func finish(at now: ContinuousClock.Instant) -> (sequence: Int, text: String)? {
        pending > 0 ? emit(at: now) : nil
    }

    private mutating func emit(at now: ContinuousClock.Instant) -> (sequence: Int, text: String) {
        pending = 0
        lastSent = now
        sequence += 1
        return (sequence, text)
    }
}
