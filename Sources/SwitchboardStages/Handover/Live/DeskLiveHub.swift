import Foundation
public import SwitchboardCore
import Synchronization

/// The desk's live events in this process (``DeskLiveState`` under a lock): ``DeskEventFeed`` publishes
/// what arrives on the `events` topic, and each open event stream of the agent API follows it.
///
/// Event ids on the wire are `<epoch>.<sequence>`: the epoch is random per process, so an id from another
/// replica or from before a restart is recognised as unknown, and that stream resynchronises.
public final class DeskLiveHub: Sendable {
    public typealias Continuation = AsyncStream<DeskLiveSignal>.Continuation
    private let state: Mutex<DeskLiveState<Continuation>>
    /// This process's epoch, the first part of every event id.
    public let epoch: String

    /// - Parameter capacity: Events kept for resuming streams. Default 10 000.
    public init(capacity: Int = 10_000) {
        state = Mutex(DeskLiveState(capacity: capacity))
        epoch = String(UInt32.random(in: 1...UInt32.max), radix: 36)
    }

    /// Hands `event` to every stream; returns its sequence number.
    @discardableResult
    public func publish(_ event: SwitchboardEvent) -> UInt64 {
        let (entry, followers) = state.withLock { $0.append(event) }
        for follower in followers { follower.yield(.event(entry)) }
        return entry.sequence
    }

    /// A new stream: the events it missed since `lastEventId` (nil: a gap to resynchronise; empty: none or
    /// a fresh stream), then every new one until ``unfollow(_:)``.
    public func follow(
        after lastEventId: String?, with continuation: Continuation
    ) -> (ticket: Int, missed: [DeskLiveEntry]?) {
        state.withLock { state in
            let ticket = state.subscribe(continuation)
            guard let lastEventId else { return (ticket, []) }
            guard let sequence = parse(lastEventId) else { return (ticket, nil) }
            return (ticket, state.events(after: sequence))
        }
    }

    /// Stops a stream and finishes its continuation.
    public func unfollow(_ ticket: Int) {
        state.withLock { $0.unsubscribe(ticket) }?.finish()
    }

    /// Streams open.
    public var followers: Int { state.withLock { $0.subscriberCount } }

    /// The wire id of `sequence`.
    public func eventId(_ sequence: UInt64) -> String { "\(epoch).\(sequence)" }

    /// The sequence of one of this process's ids; nil for any other.
    private func parse(_ id: String) -> UInt64? {
        let parts = id.split(separator: ".")
        guard parts.count == 2, parts[0] == epoch else { return nil }
        return UInt64(parts[1])
    }
}

/// What wakes an event stream: an event, or its timer (send a heartbeat).
public enum DeskLiveSignal: Sendable {
    case event(DeskLiveEntry)
    case tick
}
