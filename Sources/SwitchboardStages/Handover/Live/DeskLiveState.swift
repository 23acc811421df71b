public import SwitchboardCore

/// The desk's live events in one process: a ring of the latest events with sequence numbers, and the open
/// streams that follow them. A pure state machine; ``DeskLiveHub`` holds it under a lock.
///
/// A reconnecting stream names the last sequence it saw (`Last-Event-ID`): if the ring still holds
/// everything after it, those events are replayed; otherwise the stream is told to resynchronise (reload
/// its lists from the API), so no event is lost without the client knowing.
public struct DeskLiveState<Subscriber> {
    public typealias Entry = DeskLiveEntry

    private var ring: [Entry] = []
    private let capacity: Int
    private var next: UInt64 = 1
    private var subscribers: [Int: Subscriber] = [:]
    private var nextTicket = 0

    /// - Parameter capacity: How many events the ring keeps for resuming streams.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The sequence of the latest event, 0 before the first.
    public var latest: UInt64 { next - 1 }

    /// Appends `event` and returns its entry and the subscribers to hand it to.
    public mutating func append(_ event: SwitchboardEvent) -> (Entry, [Subscriber]) {
        let entry = Entry(sequence: next, event: event)
        next += 1
        ring.append(entry)
        if ring.count > capacity { ring.removeFirst(ring.count - capacity) }
        return (entry, Array(subscribers.values))
    }

    /// What a stream that saw everything up to `sequence` missed; nil when the ring no longer holds all of it.
    public func events(after sequence: UInt64) -> [Entry]? {
        if sequence >= latest { return [] }
        guard let oldest = ring.first, oldest.sequence <= sequence + 1 else { return nil }
        return ring.filter { $0.sequence > sequence }
    }

    /// Adds a subscriber; the ticket removes it.
    public mutating func subscribe(_ subscriber: Subscriber) -> Int {
        nextTicket += 1
        subscribers[nextTicket] = subscriber
        return nextTicket
    }

    /// Removes a subscriber and returns it.
    public mutating func unsubscribe(_ ticket: Int) -> Subscriber? {
        subscribers.removeValue(forKey: ticket)
    }

    /// Open streams.
    public var subscriberCount: Int { subscribers.count }
}

/// One live event with its place in this process's sequence.
public struct DeskLiveEntry: Sendable, Hashable {
    public var sequence: UInt64
    public var event: SwitchboardEvent

    public init(sequence: UInt64, event: SwitchboardEvent) {
        self.sequence = sequence
        self.event = event
    }
}
