public import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
import SwitchboardRuntime

/// Escalates hand-overs nobody claimed within their tenant's assign timeout (`desk.assign_timeout_seconds`):
/// a `handover_escalated` event (which the desk's live updates push to supervisors), and the customer gets
/// the tenant's "still waiting" message once, or its offline reply when the opening hours say the desk is
/// closed.
///
/// Once, across restarts and replicas: the event's and the message's ids are derived from the handover id,
/// so a repeat is recognised downstream (the outbound stage sends an id once), and the handover is then
/// marked escalated with a conditional update that only one sweeper wins. A crash between the two sends the
/// same ids again on the next sweep.
public struct HandoverEscalationSweeper: Service {
    let database: SwitchboardDatabase
    let sink: any HandoverSink
    let tenants: TenantDirectory
    let topics: TopicNames
    let interval: Duration
    let logger: Logger
    let metrics: HandoverMetrics
    let notifier: HandoverNotifier?
    let clock: @Sendable () -> Date

    /// How often the daemon sweeps when `SWITCHBOARD_HANDOVER_SWEEP_MS` is not set.
    public static let defaultInterval = Duration.seconds(15)
    /// The name the still-waiting message's id is derived with.
    static let messageName = "handover-still-waiting"

    public init(
        database: SwitchboardDatabase, sink: any HandoverSink, tenants: TenantDirectory, topics: TopicNames,
        interval: Duration = Self.defaultInterval, logger: Logger, metrics: HandoverMetrics = HandoverMetrics(),
        notifier: HandoverNotifier? = nil, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.database = database
        self.sink = sink
        self.tenants = tenants
        self.topics = topics
        self.interval = interval
        self.logger = logger
        self.metrics = metrics
        self.notifier = notifier
        self.clock = clock
    }

    public func run() async throws {
        await runPeriodically(
            every: interval, logger: logger, failure: "Hand-over escalation sweep failed; trying again later"
        ) {
            try await self.sweep()
        }
    }

    /// Escalates every hand-over due now; returns those this call escalated.
    @discardableResult
    public func sweep() async throws -> [HandoverRecord] {
        var escalated: [HandoverRecord] = []
        let now = clock()
        for tenant in tenants.tenants {
            guard let cutoff = HandoverEscalation.cutoff(tenant.desk, at: now) else { continue }
            for record in try await database.handovers.dueForEscalation(tenantId: tenant.id, createdBefore: cutoff) {
                guard HandoverEscalation.isDue(record, settings: tenant.desk, at: now) else { continue }
                if try await escalate(record, tenant: tenant, at: now) { escalated.append(record) }
            }
        }
        return escalated
    }

    /// Produces the event and the customer's message, then marks the handover; true when this call marked it.
    private func escalate(_ record: HandoverRecord, tenant: TenantConfiguration, at now: Date) async throws -> Bool {
        var marked = record
        marked.escalatedAt = now
        let message = HandoverEscalation.customerMessage(for: tenant, at: now)
        let waited = String(format: "%.0f", now.timeIntervalSince(record.createdAt))
        let kind = if case .outOfHours = message { "out_of_hours" } else { "still_waiting" }
        let event = marked.lifecycleEvent(
            .handoverEscalated, traceId: nil, at: now, details: ["waited_seconds": waited, "customer_message": kind])
        var outputs = [StageOutput.event(event, to: topics.events, key: record.partitionKey)]
        let latest = try await database.messages.session(tenantId: record.tenantId, sessionId: record.sessionId)
            .last(where: { $0.direction == Direction.inbound.rawValue })?.envelope
        if let latest {
            var reply = latest.reply(content: .text(message.text), sender: .system, stage: Self.messageName, at: now)
            // From the handover, not from the latest message: a customer writing between two sweeps must not
            // make a second, different id.
            reply.id = DerivedID.make(from: record.lifecycleEventId(.handoverEscalated), name: Self.messageName)
            outputs.append(.envelope(reply, to: topics.outbound))
        }
        try await sink.publish(try outputs.map { try $0.record() })
        // Before the mark, so a crash between the two records it on the next sweep; recorded once, as its id is
        // derived from the hand-over's.
        try await notifier?.record(.handoverEscalated, handover: record, channel: latest?.channel.rawValue, at: now)
        guard try await database.handovers.markEscalated(tenantId: record.tenantId, id: record.id, at: now) else {
            return false
        }
        metrics.transition("escalated")
        logger.notice(
            "Hand-over escalated: nobody claimed it within the assign timeout",
            metadata: [
                "tenant": "\(record.tenantId)", "handover_id": "\(record.id)", "waited_seconds": "\(waited)",
                "customer_message": "\(kind)",
            ])
        return true
    }
}
