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
    /// Messages and surveys, for tenants that survey customers after a bot conversation; nil: no surveys.
    let database: SwitchboardDatabase?
    /// Sessions read and expired together.
    let pageSize: Int
    /// How long one sweep may keep working through pages before it leaves the rest to the next.
    let budget: Duration

    public init(
        sessions: SessionStore, producer: KafkaProducer, environment: DaemonEnvironment, interval: Duration,
        logger: Logger, clock: @escaping @Sendable () -> Date = { Date() },
        processedThrough: (@Sendable () async throws -> Date)? = nil,
        onExpired: @escaping @Sendable (_ customerId: String) -> Void = { _ in },
        database: SwitchboardDatabase? = nil, pageSize: Int = 500, budget: Duration = .seconds(5)
    ) {
        self.database = database
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

    /// Expires idle open sessions now, a page (``pageSize``) at a time per tenant, until none is left or the
    /// sweep has run for ``budget``: a large backlog of idle sessions is worked off over several sweeps instead
    /// of holding the database in one. Returns how many it expired.
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
                expired += try await expire(idle, tenant: tenant, cutoff: cutoff, now: now)
                if ContinuousClock.now - started >= budget { break tenants }
                if idle.count < pageSize { break }
            }
        }
        if expired > 0 { logger.info("Expired idle sessions", metadata: ["count": "\(expired)"]) }
        return expired
    }

    /// One page: its `session_expired` events produced together, then the sessions marked expired, each only
    /// if the customer did not write since it was read (that message continued the session). In one bulk write,
    /// unless the tenant surveys customers after a bot conversation: then one by one, since the survey goes
    /// only after an expiry this sweep made.
    private func expire(
        _ idle: [SessionRecord], tenant: TenantConfiguration, cutoff: Date, now: Date
    ) async throws -> Int {
        let records = try idle.map { session in
            let event = SwitchboardEvent(
                id: Self.expiryEventID(sessionId: session.id), type: .sessionExpired, tenantId: tenant.id,
                customerId: session.customerId, sessionId: session.id, occurredAt: now,
                details: ["idle_since": SwitchboardJSON.formatDate(session.lastActivityAt)])
            let key = PartitionKey.customer(tenantId: tenant.id, customerId: session.customerId)
            return try StageOutput.event(event, to: environment.settings.topics.events, key: key).record()
        }
        _ = try await producer.send(records)
        guard tenant.csat.afterBot, database != nil else {
            let changed = try await sessions.expire(sessionIds: idle.map(\.id), idleBefore: cutoff)
            // The session stage drops what it cached of each customer; for one who wrote meanwhile that costs a
            // read.
            for session in idle { onExpired(session.customerId) }
            return changed
        }
        var changed = 0
        for session in idle where try await sessions.expire(sessionId: session.id, idleBefore: cutoff) {
            changed += 1
            onExpired(session.customerId)
            try await sendSurvey(after: session, tenant: tenant, at: now)
        }
        return changed
    }

    /// The tenant's satisfaction survey after a session the bot alone answered (no hand-over open, no agent
    /// wrote): recorded as waiting first, so the answer is recognised, then sent on the channel of the
    /// customer's latest message, with an id derived from the session. At most once: a crash between the expiry
    /// and the survey sends none.
    private func sendSurvey(after session: SessionRecord, tenant: TenantConfiguration, at now: Date) async throws {
        guard let database, session.handover == nil else { return }
        let messages = try await database.messages.session(tenantId: tenant.id, sessionId: session.id)
        let agentWrote = messages.contains { message in
            if case .agent(_)? = message.envelope.sender { true } else { false }
        }
        guard !agentWrote, let latest = messages.last(where: { $0.direction == Direction.inbound.rawValue })?.envelope
        else { return }
        let survey = CSATSurvey(
            tenantId: tenant.id, customerId: session.customerId, sessionId: session.id, agentId: nil, sentAt: now)
        try await database.surveys.put(survey)
        var envelope = Envelope(
            id: DerivedID.make(
                from: UUID(uuidString: session.id) ?? Self.namespace, name: "csat-survey|\(session.id)"),
            tenantId: tenant.id, channel: latest.channel, direction: .outbound, kind: .message,
            externalId: latest.externalId, customerId: session.customerId, sessionId: session.id,
            content: .text(tenant.csat.question), receivedAt: now, traceId: latest.traceId, sender: .system)
        envelope.conversationId = latest.conversationId
        try await producer.send(try StageOutput.envelope(envelope, to: environment.settings.topics.outbound).record())
    }

    /// The `session_expired` event's id for a session: the same whichever path expires it.
    static func expiryEventID(sessionId: String) -> UUID {
        DerivedID.make(from: UUID(uuidString: sessionId) ?? namespace, name: "session_expired|\(sessionId)")
    }

    private static let namespace = UUID(uuidString: "3e9f1a7c-52b4-4d0e-8c61-9a2f7b0d4c18")!
}
