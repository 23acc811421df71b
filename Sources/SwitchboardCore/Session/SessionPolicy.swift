public import Foundation

/// What the session stage does with an inbound message.
public enum SessionDecision: Sendable, Hashable {
    /// Append to the open session. `session` has the activity time and sequence advanced;
    /// `sequence` is the number this message gets.
    case `continue`(session: SessionRecord, sequence: Int64)
    /// Start a new session (first message gets sequence 0). `expired` is the previous session marked
    /// `expired`, to be stored and announced with a `session_expired` event; nil when there was none
    /// or it was already closed/expired.
    case startNew(session: SessionRecord, expired: SessionRecord?)

    /// The session the message belongs to.
    public var session: SessionRecord {
        switch self {
        case .continue(let session, _), .startNew(let session, _): session
        }
    }
}

/// Decides whether a message continues the customer's session or starts a new one.
///
/// Boundary: a message at exactly `lastActivityAt + idleTimeout` finds the session **expired**
/// (the timeout is the length of silence after which the conversation is over, inclusive); one a
/// millisecond earlier continues it. Messages older than the last activity (out-of-order delivery)
/// continue the session and do not move `lastActivityAt` back.
public struct SessionPolicy: Sendable, Hashable {
    /// The default idle timeout: 20 minutes.
    public static let defaultIdleTimeout: TimeInterval = 20 * 60

    /// Silence after which a session expires, in seconds.
    public var idleTimeout: TimeInterval

    /// Creates a policy.
    public init(idleTimeout: TimeInterval = SessionPolicy.defaultIdleTimeout) {
        self.idleTimeout = idleTimeout
    }

    /// How far a session's stored last activity may lag behind the real one: a tenth of the idle timeout, at
    /// most a minute. The session stage writes a session's activity only when it moved on by this much, and the
    /// sweeper expires only sessions idle for the timeout plus this, so it never expires an active one.
    public var activityTolerance: TimeInterval { min(idleTimeout / 10, 60) }

    /// Whether `session` counts as expired at `now`.
    public func isExpired(_ session: SessionRecord, at now: Date) -> Bool {
        session.status != .open || now >= session.lastActivityAt.addingTimeInterval(idleTimeout)
    }

    /// Decides for a message of `customerId` arriving at `now` given the latest session (if any).
    public func decide(
        current: SessionRecord?, tenantId: String, customerId: String, now: Date,
        newSessionId: @autoclosure () -> String
    ) -> SessionDecision {
        if var session = current, !isExpired(session, at: now) {
            let sequence = session.nextSequence
            session.nextSequence += 1
            session.lastActivityAt = max(session.lastActivityAt, now)
            return .continue(session: session, sequence: sequence)
        }
        var expired: SessionRecord?
        if var previous = current, previous.status == .open {
            previous.status = .expired
            expired = previous
        }
        let session = SessionRecord(
            id: newSessionId(), tenantId: tenantId, customerId: customerId, owner: .bot, status: .open,
            startedAt: now, lastActivityAt: now, nextSequence: 1)
        return .startNew(session: session, expired: expired)
    }
}
