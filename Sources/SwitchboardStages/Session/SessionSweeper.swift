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
    /// Sessions read and expired together.
    let pageSize: Int
    /// How long one sweep may keep working through pages before it leaves the rest to the next.
    let budget: Duration

    public init(
        sessions: SessionStore, producer: KafkaProducer, environment: DaemonEnvironment, interval: Duration,
        logger: Logger, clock: @escaping @Sendable () -> Date = { Date() },
        processedThrough: (@Sendable () async throws -> Date)? = nil,
        onExpired: @escaping @Sendable (_ customerId: String) -> Void = { _ in }, pageSize: Int = 500,
        budget: Duration = .seconds(5)
    ) {
        self.pageSize = pageSize
        self.budget = budget
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

    /// Expires idle open sessions now, a page (``pageSize``) at a time per tenant with one batch of events
    /// and one bulk write per page, until none is left or the sweep has run for ``budget``: a large backlog
    /// of idle sessions is worked off over several sweeps instead of holding the database in one. Returns how
    /// many it expired.
    @discardableResult
    public func sweep() async throws -> Int {
        var expired = 0
        let now = clock()
        // Idle means idle at the latest time everything before it has been handled.
        let caughtUp = try await processedThrough?() ?? now
        // Nothing known to be through yet (a backlog since the daemon started): nothing can be called idle.
        guard caughtUp > .distantPast else { return 0 }
        let asOf = min(now, caughtUp)
        let started = ContinuousClock.now
        tenants: for tenant in environment.tenants.tenants {
            // The stored activity may lag the real one by the tolerance (the session stage writes it only when it
            // moved on by that much): a session idle for the timeout plus the tolerance is idle for sure.
            let cutoff = asOf.addingTimeInterval(
                -tenant.idleTimeoutSeconds - tenant.sessionPolicy.activityTolerance)
            while true {
                let idle = try await sessions.idleSessions(tenantId: tenant.id, before: cutoff, limit: pageSize)
                guard !idle.isEmpty else { break }
                expired += try await expire(idle, tenantId: tenant.id, cutoff: cutoff, now: now)
                if ContinuousClock.now - started >= budget { break tenants }
                if idle.count < pageSize { break }
            }
        }
        if expired > 0 { logger.info("Expired idle sessions", metadata: ["count": "\(expired)"]) }
        return expired
    }

    /// One page: its `session_expired` events produced together, then the sessions marked expired in one bulk
    /// write, each only if the customer did not write since it was read (that message continued the session).
    private func expire(_ idle: [SessionRecord], tenantId: String, cutoff: Date, now: Date) async throws -> Int {
        let records = try idle.map { session in
            let event = SwitchboardEvent(
                id: Self.expiryEventID(sessionId: session.id), type: .sessionExpired, tenantId: tenantId,
                customerId: session.customerId, sessionId: session.id, occurredAt: now,
                details: ["idle_since": SwitchboardJSON.formatDate(session.lastActivityAt)])
            let key = PartitionKey.customer(tenantId: tenantId, customerId: session.customerId)
            return try StageOutput.event(event, to: environment.settings.topics.events, key: key).record()
        }
        _ = try await producer.send(records)
        let changed = try await sessions.expire(sessionIds: idle.map(\.id), idleBefore: cutoff)
        // The session stage drops what it cached of each customer; for one who wrote meanwhile that costs a read.
        for session in idle { onExpired(session.customerId) }
        return changed
    }

    /// The `session_expired` event's id for a session: the same whichever path expires it.
    static func expiryEventID(sessionId: String) -> UUID {
        DerivedID.make(from: UUID(uuidString: sessionId) ?? namespace, name: "session_expired|\(sessionId)")
    }

    private static let namespace = UUID(uuidString: "3e9f1a7c-52b4-4d0e-8c61-9a2f7b0d4c18")!
}
