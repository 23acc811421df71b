public import Foundation

/// The pure state of ``ReplyWaiters``: who waits for the reply to which inbound envelope.
///
/// A request registers a ticket before it publishes its message (so a fast reply cannot slip past it),
/// then waits on the ticket. Every transition returns what to resume; the wrapper does the resuming
/// outside its lock. A ticket leaves the state when it is resumed, expired or cancelled, so nothing is
/// kept for a request that gave up; a reply nobody registered for is dropped.
public struct ReplyWaitersState<Waiter, Reply> {
    /// Identifies one registration.
    public struct Ticket: Hashable, Sendable {
        public let id: UUID
        let number: Int
    }

    private enum Slot {
        /// Registered; `waiter` once the request suspended.
        case registered(waiter: Waiter?)
        /// The reply came before the request suspended.
        case delivered(Reply)
    }

    /// What ``wait(_:with:)`` tells the caller to do.
    public enum WaitAction {
        /// The reply is already here: resume with it.
        case resume(Reply)
        /// The ticket is gone (expired or cancelled): resume without a reply.
        case resumeEmpty
        /// Keep the waiter suspended until ``deliver(_:for:)`` or ``expire(_:)`` returns it.
        case suspend
    }

    private var slots: [UUID: [Int: Slot]] = [:]
    private var nextNumber = 0

    public init() {}

    /// Tickets still registered (for leak checks).
    public var count: Int { slots.values.reduce(0) { $0 + $1.count } }

    /// Registers interest in the reply to inbound envelope `id`.
    public mutating func register(_ id: UUID) -> Ticket {
        nextNumber += 1
        slots[id, default: [:]][nextNumber] = .registered(waiter: nil)
        return Ticket(id: id, number: nextNumber)
    }

    /// The request suspends on `ticket` with `waiter`.
    public mutating func wait(_ ticket: Ticket, with waiter: Waiter) -> WaitAction {
        switch slots[ticket.id]?[ticket.number] {
        case nil:
            return .resumeEmpty
        case .delivered(let reply):
            remove(ticket)
            return .resume(reply)
        case .registered:
            slots[ticket.id]?[ticket.number] = .registered(waiter: waiter)
            return .suspend
        }
    }

    /// A reply to `id` arrived: returns the suspended waiters to resume with it; tickets not yet suspended
    /// keep the reply for their ``wait(_:with:)``. Later replies to the same id do not replace the first.
    public mutating func deliver(_ reply: Reply, for id: UUID) -> [Waiter] {
        guard let tickets = slots[id] else { return [] }
        var resumed: [Waiter] = []
        for (number, slot) in tickets {
            switch slot {
            case .registered(let waiter?):
                resumed.append(waiter)
                slots[id]?[number] = nil
            case .registered(nil):
                slots[id]?[number] = .delivered(reply)
            case .delivered:
                break
            }
        }
        if slots[id]?.isEmpty == true { slots[id] = nil }
        return resumed
    }

    /// The ticket's time is up (or its request was cancelled): removes it and returns its suspended
    /// waiter, to resume without a reply.
    public mutating func expire(_ ticket: Ticket) -> Waiter? {
        guard case .registered(let waiter)? = slots[ticket.id]?[ticket.number] else {
            remove(ticket)
            return nil
        }
        remove(ticket)
        return waiter
    }

    private mutating func remove(_ ticket: Ticket) {
        slots[ticket.id]?[ticket.number] = nil
        if slots[ticket.id]?.isEmpty == true { slots[ticket.id] = nil }
    }
}
