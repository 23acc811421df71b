public import Foundation
public import SwitchboardCore
public import SwitchboardRuntime

/// The `handover` topic's stage: opens a handover for a session that asks for a human, hands the
/// session to humans, announces it on `events` and tells the customer a person will answer.
///
/// Redelivery-safe: the handover id is derived from the envelope id, so the envelope that opened a
/// handover finds it again and re-produces the same event and acknowledgement (same ids, which the
/// outbound stage and event readers deduplicate) in case a crash lost them. Any other message of a
/// session that already has an active handover produces one `handover_customer_message` event (its id
/// derived from the message's), which the desk's live updates push to the agents: the session stage has
/// stored the message, and the event carries only its id, never its text.
public struct HandoverHandler: EnvelopeHandler {
    /// The stage's name: consumer group, log and metric label.
    public static let stage = "human-handover"
    /// The name the acknowledgement's id is derived with, distinct from replies other stages derive.
    public static let acknowledgementStage = "handover-ack"
    /// What the customer is told when a handover opens.
    public static let acknowledgementText =
        "Thank you for your patience. A member of our team will take over this conversation and answer you here shortly."

    private let handovers: HandoverStore
    private let sessions: SessionStore
    private let tenants: TenantDirectory
    private let notifier: HandoverNotifier?
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - database: Where handovers and sessions are kept.
    ///   - tenants: Envelopes of tenants not listed here are dead-lettered.
    ///   - notifier: Told of every hand-over that starts (it records the notification and returns; delivery
    ///     happens in its own service). Default none.
    ///   - now: The clock; tests pass a fixed one.
    public init(
        database: SwitchboardDatabase, tenants: TenantDirectory, notifier: HandoverNotifier? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.handovers = database.handovers
        self.sessions = database.sessions
        self.tenants = tenants
        self.notifier = notifier
        self.now = now
    }

    /// The id of the handover `envelope` opens (if its session has none active).
    public static func handoverId(for envelope: Envelope) -> String {
        DerivedID.make(from: envelope.id, name: "handover").uuidString.lowercased()
    }

    public func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        guard tenants.tenant(id: envelope.tenantId) != nil else {
            throw StageFailure.permanent("unknown tenant '\(envelope.tenantId)'")
        }
        guard let sessionId = envelope.sessionId, !sessionId.isEmpty else {
            throw StageFailure.permanent("handover envelope has no session_id")
        }
        guard let customerId = envelope.customerId, !customerId.isEmpty else {
            throw StageFailure.permanent("handover envelope has no customer_id")
        }
        let id = Self.handoverId(for: envelope)
        let record: HandoverRecord
        if let active = try await handovers.active(tenantId: envelope.tenantId, sessionId: sessionId) {
            try await ensureHumanOwner(active)
            guard active.id == id else {
                var event = active.lifecycleEvent(
                    .handoverCustomerMessage, traceId: envelope.traceId, at: envelope.receivedAt,
                    details: ["message_id": envelope.id.uuidString.lowercased()])
                event.id = DerivedID.make(
                    from: envelope.id, name: SwitchboardEvent.EventType.handoverCustomerMessage.rawValue)
                return [.event(event, to: context.topics.events, key: active.partitionKey)]
            }
            record = active  // this envelope opened it: a redelivery, so produce its outputs again
        } else if let earlier = try await handovers.handover(tenantId: envelope.tenantId, id: id) {
            // This envelope opened a handover that has since been resolved: replaying it must not reopen it.
            context.logger.debug("Handover already resolved", metadata: ["handover_id": "\(earlier.id)"])
            return []
        } else {
            let reason = envelope.annotations.handoverReason ?? .customerAskedForHuman
            let created = HandoverRecord(
                id: id, tenantId: envelope.tenantId, sessionId: sessionId, customerId: customerId, reason: reason,
                createdAt: now())
            try await handovers.insertIfNew(created)
            try await ensureHumanOwner(created)
            record = created
            context.logger.info(
                "Handover started",
                metadata: ["handover_id": "\(id)", "reason": "\(reason)", "session_id": "\(sessionId)"])
        }
        // Also on a redelivery: a crash may have come between storing the hand-over and recording its
        // notification. The notification's id is derived from the hand-over's, so it is recorded once.
        try await notifier?.record(
            .handoverStarted, handover: record, channel: envelope.channel.rawValue, at: record.createdAt)
        let event = record.lifecycleEvent(.handoverStarted, traceId: envelope.traceId, at: record.createdAt)
        let acknowledgement = envelope.reply(
            content: .text(Self.acknowledgementText), sender: .system, stage: Self.acknowledgementStage, at: now())
        return [
            .event(event, to: context.topics.events, key: record.partitionKey),
            .envelope(acknowledgement, to: context.topics.outbound),
        ]
    }

    /// Makes the session owned by humans for `record`, unless the session already says so.
    ///
    /// Repairs a crash between storing the handover and updating the session. If an agent resolves the
    /// handover while this runs, the re-read afterwards hands the session back to the bot, so the two
    /// writers cannot leave a session with humans for a resolved handover.
    private func ensureHumanOwner(_ record: HandoverRecord) async throws {
        let session = try await sessions.session(id: record.sessionId)
        if let session, session.owner.isHuman, session.handover?.handoverId == record.id { return }
        try await sessions.setOwner(
            sessionId: record.sessionId, owner: record.humanOwner, handover: record.sessionHandover)
        if let current = try await handovers.handover(tenantId: record.tenantId, id: record.id),
            current.status == .resolved
        {
            try await sessions.setOwner(sessionId: record.sessionId, owner: .bot, handover: nil)
        }
    }
}
