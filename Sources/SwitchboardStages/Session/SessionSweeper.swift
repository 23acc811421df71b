public import Foundation
public import Logging
public import ServiceLifecycle
import SwitchboardCore
public import SwitchboardKafka
import SwitchboardRuntime

/// Expires sessions whose customer went quiet, so `session_expired` events appear when the idle timeout
/// passes rather than only when the customer writes again.
///
/// It judges idleness against the time before which every message has been through customer identification and
/// the session stage (`processedThrough`), not the wall clock alone: while those stages have a backlog, a message
/// the customer sent within the timeout may still be on its way, and expiring the session would split the
/// conversation in two.
///
/// At least once: the event (its id derived from the session id, so duplicates are recognisable) is produced
/// before the session is marked expired; a crash in between produces it again on the next sweep.
public struct SessionSweeper: Service {
    let sessions: SessionStore
    let producer: KafkaProducer
    let environment: DaemonEnvironment
    let interval: Duration
    let logger: Logger
    let clock: @Sendable () -> Date
    /// The time before which everything that reached the pipeline has been through the session stage; nil
    /// trusts the clock (tests that drive the sweeper by hand).
    let processedThrough: (@Sendable () async throws -> Date)?
    /// Told the customer whose session it expired (the session stage drops what it cached of it).
    let onExpired: @Sendable (_ customerId: String) -> Void

    public init(
        sessions: SessionStore, producer: KafkaProducer, environment: DaemonEnvironment, interval: Duration,
        logger: Logger, clock: @escaping @Sendable () -> Date = { Date() },
        processedThrough: (@Sendable () async throws -> Date)? = nil,
        onExpired: @escaping @Sendable (_ customerId: String) -> Void = { _ in }
    ) {
        self.processedThrough = processedThrough
        self.onExpired = onExpired
        self.sessions = sessions
        self.producer = producer
        self.environment = environment
        self.interval = interval
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "Session sweep failed; trying again later") {
            try await self.sweep()
        }
    }

    /// Expires every idle open session now; returns how many it expired.
    @discardableResult
    public func sweep() async throws -> Int {
        var expired = 0
        let now = clock()
        // Idle means idle at the latest time everything before it has been handled.
        let caughtUp = try await processedThrough?() ?? now
        // Nothing known to be through yet (a backlog since the daemon started): nothing can be called idle.
        guard caughtUp > .distantPast else { return 0 }
        let asOf = min(now, caughtUp)
        for tenant in environment.tenants.tenants {
            // The stored activity may lag the real one by the tolerance (the session stage writes it only when it
            // moved on by that much): a session idle for the timeout plus the tolerance is idle for sure.
            let cutoff = asOf.addingTimeInterval(
                -tenant.idleTimeoutSeconds - tenant.sessionPolicy.activityTolerance)
            for session in try await sessions.idleSessions(tenantId: tenant.id, before: cutoff) {
                let event = SwitchboardEvent(
                    id: Self.expiryEventID(sessionId: session.id), type: .sessionExpired, tenantId: tenant.id,
                    customerId: session.customerId, sessionId: session.id, occurredAt: now,
                    details: ["idle_since": SwitchboardJSON.formatDate(session.lastActivityAt)])
                let key = PartitionKey.customer(tenantId: tenant.id, customerId: session.customerId)
                try await producer.send(
                    try StageOutput.event(event, to: environment.settings.topics.events, key: key).record())
                // Not if the customer wrote since it was read: that message continued the session.
                if try await sessions.expire(sessionId: session.id, idleBefore: cutoff) {
                    expired += 1
                    onExpired(session.customerId)
                }
            }
        }
        if expired > 0 { logger.info("Expired idle sessions", metadata: ["count": "\(expired)"]) }
        return expired
    }

    /// The `session_expired` event's id for a session: the same whichever path expires it.
    static func expiryEventID(sessionId: String) -> UUID {
        DerivedID.make(from: UUID(uuidString: sessionId) ?? namespace, name: "session_expired|\(sessionId)")
    }

    private static let namespace = UUID(uuidString: "3e9f1a7c-52b4-4d0e-8c61-9a2f7b0d4c18")!
}
