public import Foundation

/// At most one typing indicator per hand-over per ``interval``: the desk asks whenever the agent types,
/// the customer needs to hear it once every few seconds. Pure state; the agent API keeps it behind a lock.
///
/// Holds at most ``capacity`` hand-overs: the one admitted longest ago is forgotten first (forgetting one only
/// lets its next indicator through early).
public struct TypingThrottle: Sendable {
    /// The shortest time between two indicators of one hand-over: 5 s.
    public let interval: TimeInterval
    /// Most hand-overs remembered.
    public let capacity: Int
    private var last: [String: Date] = [:]

    public init(interval: TimeInterval = 5, capacity: Int = 10_000) {
        self.interval = interval
        self.capacity = max(1, capacity)
    }

    /// Hand-overs remembered.
    public var count: Int { last.count }

    /// Whether an indicator for `key` may go out at `now`; when it may, it is counted as sent.
    public mutating func admit(_ key: String, at now: Date) -> Bool {
        if let previous = last[key], now.timeIntervalSince(previous) < interval, now >= previous {
            return false
        }
        last[key] = now
        if last.count > capacity, let oldest = last.min(by: { $0.value < $1.value })?.key {
            last[oldest] = nil
        }
        return true
    }
}
