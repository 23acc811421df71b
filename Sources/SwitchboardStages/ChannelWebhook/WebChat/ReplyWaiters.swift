public import Foundation
public import SwitchboardCore
import Synchronization

/// HTTP requests waiting for the reply to the message they published, keyed by the inbound envelope id
/// (the reply's ``Envelope/replyTo``). A lock around ``ReplyWaitersState``.
public final class ReplyWaiters: Sendable {
    public typealias Ticket = ReplyWaitersState<CheckedContinuation<Envelope?, Never>, Envelope>.Ticket

    private let state = Mutex(ReplyWaitersState<CheckedContinuation<Envelope?, Never>, Envelope>())

    public init() {}

    /// Tickets still registered.
    public var count: Int { state.withLock { $0.count } }

    /// Registers for the reply to inbound envelope `id`. Call before publishing the message, then
    /// ``wait(_:timeout:)`` or ``cancel(_:)``.
    public func register(_ id: UUID) -> Ticket {
        state.withLock { $0.register(id) }
    }

    /// Waits up to `timeout` for the reply; nil when none came in time or the task was cancelled.
    /// The ticket is gone afterwards either way.
    public func wait(_ ticket: Ticket, timeout: Duration) async -> Envelope? {
        await withTaskGroup(of: Envelope?.self) { group in
            group.addTask { await self.suspend(ticket) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                // Reached on timeout and when the reply came first (the sleep is then cancelled).
                self.cancel(ticket)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Gives up on `ticket` without waiting (e.g. publishing failed).
    public func cancel(_ ticket: Ticket) {
        state.withLock { $0.expire(ticket) }?.resume(returning: nil)
    }

    /// Hands a reply to everyone waiting for the reply to `reply.replyTo`. Returns how many were waiting.
    @discardableResult
    public func deliver(_ reply: Envelope) -> Int {
        guard let id = reply.replyTo else { return 0 }
        let waiters = state.withLock { $0.deliver(reply, for: id) }
        for waiter in waiters { waiter.resume(returning: reply) }
        return waiters.count
    }

    private func suspend(_ ticket: Ticket) async -> Envelope? {
        await withCheckedContinuation { continuation in
            let action = state.withLock { $0.wait(ticket, with: continuation) }
            switch action {
            case .resume(let reply): continuation.resume(returning: reply)
            case .resumeEmpty: continuation.resume(returning: nil)
            case .suspend: break
            }
        }
    }
}
