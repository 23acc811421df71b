public import Foundation
public import Logging
public import SwitchboardCore
import SwitchboardRuntime

/// What agents do with handovers: list, claim, read, reply, resolve. One tenant per call: the caller
/// (the agent API) has already decided the tenant from the agent's key, and every lookup is scoped to it,
/// so another tenant's handover is simply not found.
///
/// Every operation is safe to retry: state changes go through ``HandoverRecord``'s state machine and
/// optimistic replaces, repeated claims and resolves by the same agent redo their effects with the same
/// derived event ids, and a reply with a `client_message_id` always gets the same envelope id.
public struct HandoverDesk: Sendable {
    private let database: SwitchboardDatabase
    private let sink: any HandoverSink
    private let topics: TopicNames
    private let logger: Logger
    private let ids: UUIDv7Generator
    private let tenants: TenantDirectory?
    private let metrics: HandoverMetrics
    private let now: @Sendable () -> Date
    /// One typing indicator per hand-over per 5 s.
    private let typingGate: AgentTypingGate
    /// Runs between a claim's stored transition and its owner write: tests put a racing resolve there.
    var betweenClaimAndOwner: @Sendable () async throws -> Void = {}

    /// - Parameters:
    ///   - database: Handovers, sessions and messages.
    ///   - sink: Where replies and events are produced (the daemon's producer).
    ///   - topics: The installation's topics.
    ///   - logger: The daemon's logger.
    ///   - ids: Makes ids of replies without a client message id.
    ///   - tenants: Each tenant's desk settings (its per-agent limit); nil: no limits.
    ///   - metrics: Wait and handle times, transitions.
    ///   - now: The clock.
    public init(
        database: SwitchboardDatabase, sink: any HandoverSink, topics: TopicNames, logger: Logger,
        ids: UUIDv7Generator = UUIDv7Generator(), tenants: TenantDirectory? = nil,
        metrics: HandoverMetrics = HandoverMetrics(), now: @escaping @Sendable () -> Date = Date.init,
        typingThrottle: TypingThrottle = TypingThrottle()
    ) {
        self.typingGate = AgentTypingGate(typingThrottle)
        self.database = database
        self.sink = sink
        self.topics = topics
        self.logger = logger
        self.ids = ids
        self.tenants = tenants
        self.metrics = metrics
        self.now = now
    }

    /// The tenant's handovers in `status` (only `agentId`'s when given), oldest first, each with the customer's
    /// latest message.
    public func list(
        tenantId: String, status: HandoverRecord.Status, agentId: String? = nil
    ) async throws -> [HandoverSummary] {
        var summaries: [HandoverSummary] = []
        for record in try await database.handovers.list(tenantId: tenantId, status: status, agentId: agentId) {
            let latest = try await latestInbound(record)
            summaries.append(HandoverSummary(record: record, lastCustomerMessage: latest?.envelope.content))
        }
        return summaries
    }

    /// Lets `agentId` take a waiting handover; the same agent claiming again succeeds unchanged.
    public func claim(tenantId: String, id: String, agentId: String) async throws -> HandoverRecord {
        try await checkLimit(tenantId: tenantId, agentId: agentId, handoverId: id)
        let (record, changed) = try await transition(tenantId: tenantId, id: id) { record, time in
            try record.claim(by: agentId, at: time) == .claimed
        }
        if changed { recordClaim(record) }
        try await betweenClaimAndOwner()
        try await database.sessions.setOwner(
            sessionId: record.sessionId, owner: .human(agentId: agentId), handover: record.sessionHandover)
        // A resolve may have won the race since the claim was stored, and written the bot as owner before the
        // line above wrote the agent: the owner must follow the handover's final state.
        if try await find(tenantId: tenantId, id: id).status == .resolved {
            try await giveBackToBot(record)
        }
        try await publish(
            event: record.lifecycleEvent(.handoverClaimed, traceId: nil, at: record.claimedAt ?? now()), for: record)
        if changed { await sendReadReceipt(record, agentId: agentId) }
        return record
    }

    /// A read receipt for the customer's latest message once an agent claims the hand-over, where the tenant
    /// sends them (`receipts.read`). Best effort: the claim stands whether or not it goes out.
    private func sendReadReceipt(_ record: HandoverRecord, agentId: String) async {
        guard tenants?.tenant(id: record.tenantId)?.receipts.read == true else { return }
        do {
            guard let latest = try await latestInbound(record)?.envelope,
                let signal = latest.senderAction(
                    [.read], by: .agent(id: agentId), name: "agent-read:\(record.id)", at: now())
            else { return }
            try await publish(StageOutput.envelope(signal, to: topics.outbound), traceId: signal.traceId)
        } catch {
            logger.info(
                "Read receipt for a claimed hand-over not produced",
                metadata: ["handover_id": "\(record.id)", "error": "\(error)"])
        }
    }

    /// Shows the customer that `agentId`, who holds the hand-over, is writing: a typing indicator about their
    /// latest message, where the tenant sends them (`receipts.typing`), at most one per hand-over per 5 s.
    /// Returns whether one was produced (false: switched off, too soon after the last, or no customer message).
    public func typing(tenantId: String, id: String, agentId: String) async throws -> Bool {
        let record = try await find(tenantId: tenantId, id: id)
        guard record.status == .claimed, record.agentId == agentId else {
            throw HandoverDeskError(.conflict, "the handover must be claimed by this agent")
        }
        guard tenants?.tenant(id: tenantId)?.receipts.typing == true, typingGate.admit(record.id, at: now()),
            let latest = try await latestInbound(record)?.envelope,
            var signal = latest.senderAction([.typing], by: .agent(id: agentId), name: "agent-typing", at: now())
        else { return false }
        signal.id = ids.next()
        try await publish(StageOutput.envelope(signal, to: topics.outbound), traceId: signal.traceId)
        return true
    }

    /// Ends the handover: the bot owns the session again. The agent who resolved it may repeat the request.
    /// With `overriding` (a supervisor) it may be another agent's handover.
    public func resolve(
        tenantId: String, id: String, agentId: String, overriding: Bool = false
    ) async throws -> HandoverRecord {
        let (record, changed) = try await transition(tenantId: tenantId, id: id) { record, time in
            if record.status == .resolved, record.agentId == agentId || overriding { return false }
            try record.resolve(by: overriding ? nil : agentId, at: time)
            return true
        }
        if changed {
            metrics.transition("resolved")
            if let handleTime = record.handleTime { metrics.handle.recordSeconds(handleTime) }
        }
        try await giveBackToBot(record)
        try await publish(
            event: record.lifecycleEvent(.handoverEnded, traceId: nil, at: record.resolvedAt ?? now()), for: record)
        if changed { try await sendSurvey(after: record) }
        return record
    }

    /// The tenant's satisfaction survey, when it asks after hand-overs: the waiting survey is recorded first
    /// (so the answer is recognised), then the question goes out on the customer's latest channel, with an id
    /// derived from the hand-over.
    private func sendSurvey(after record: HandoverRecord) async throws {
        guard let settings = tenants?.tenant(id: record.tenantId)?.csat, settings.afterAgent,
            let latest = try await latestInbound(record)?.envelope
        else { return }
        let survey = CSATSurvey(
            tenantId: record.tenantId, customerId: record.customerId, sessionId: record.sessionId,
            agentId: record.agentId, sentAt: now())
        try await database.surveys.put(survey)
        var envelope = Envelope(
            id: DerivedID.make(from: UUID(uuidString: record.id) ?? latest.id, name: "csat-survey"),
            tenantId: record.tenantId, channel: latest.channel, direction: .outbound, kind: .message,
            externalId: latest.externalId, customerId: latest.customerId ?? record.customerId,
            sessionId: record.sessionId, content: .text(settings.question), receivedAt: survey.sentAt,
            traceId: ids.next().uuidString.lowercased().replacingOccurrences(of: "-", with: ""), sender: .system)
        envelope.conversationId = latest.conversationId
        // Back through the provider the customer wrote through (WhatsApp on Meta or on Twilio).
        envelope.provider = latest.provider
        try await publish(StageOutput.envelope(envelope, to: topics.outbound), traceId: envelope.traceId)
    }

    /// Hands a claimed handover to `target`, or back to the queue when `target` is nil, with a note for
    /// whoever takes it next. `actor` is the agent who holds it; with `overriding` (a supervisor) it may be
    /// anyone's, and a waiting handover may be assigned. The target's per-agent limit applies.
    public func transfer(
        tenantId: String, id: String, actor: String, to target: String?, note: String?, overriding: Bool = false
    ) async throws -> HandoverRecord {
        if let target { try await checkLimit(tenantId: tenantId, agentId: target, handoverId: id) }
        var assigned = false
        let (record, _) = try await transition(tenantId: tenantId, id: id) { record, time in
            assigned = record.status == .waiting
            try record.transfer(by: overriding ? nil : actor, to: target, note: note, at: time)
            return true
        }
        try await database.sessions.setOwner(
            sessionId: record.sessionId, owner: record.humanOwner, handover: record.sessionHandover)
        // As with a claim: a resolve may have overtaken this transfer; the owner follows the final state.
        if try await find(tenantId: tenantId, id: id).status == .resolved {
            try await giveBackToBot(record)
        }
        let type: SwitchboardEvent.EventType
        if assigned {
            type = .handoverClaimed  // a supervisor assigned a waiting handover
            recordClaim(record)
        } else {
            type = target == nil ? .handoverReturnedToQueue : .handoverTransferred
            metrics.transition(target == nil ? "returned_to_queue" : "transferred")
        }
        logger.info(
            "Handover transferred",
            metadata: [
                "tenant": "\(tenantId)", "handover_id": "\(id)", "from": "\(record.previousAgentId ?? "-")",
                "to": "\(target ?? "queue")",
            ])
        try await publish(event: record.lifecycleEvent(type, traceId: nil, at: now()), for: record)
        return record
    }

    /// The handover, or 404.
    public func handover(tenantId: String, id: String) async throws -> HandoverRecord {
        try await find(tenantId: tenantId, id: id)
    }

    /// The handover's customer: profile and latest messages on every channel.
    public func customer(tenantId: String, id: String) async throws -> CustomerView {
        let record = try await find(tenantId: tenantId, id: id)
        let profile = try await database.profiles.profile(id: record.customerId)
        let messages = try await database.messages.customer(tenantId: tenantId, customerId: record.customerId)
        return CustomerView(
            customerId: record.customerId, profile: profile?.tenantId == tenantId ? profile : nil,
            messages: messages.map(MessageView.init))
    }

    /// The handover's session messages, in order.
    public func messages(tenantId: String, id: String) async throws -> [MessageView] {
        let record = try await find(tenantId: tenantId, id: id)
        return try await database.messages.session(tenantId: tenantId, sessionId: record.sessionId).map(
            MessageView.init)
    }

    /// Sends `content` (text, media, a location, a choice) from the agent who claimed the handover to the
    /// customer, on the channel and conversation of the customer's latest message, and returns once the broker
    /// has it. Content the channel's vendor would refuse (``Content/outboundProblem(on:)``) is a bad request.
    public func reply(
        tenantId: String, id: String, agentId: String, content: Content, clientMessageId: String?
    ) async throws -> Envelope {
        let record = try await find(tenantId: tenantId, id: id)
        guard record.status == .claimed, record.agentId == agentId else {
            throw HandoverDeskError(
                .conflict,
                record.status == .resolved
                    ? "handover is already resolved" : "the handover must be claimed by this agent before replying")
        }
        guard let latest = try await latestInbound(record)?.envelope else {
            throw HandoverDeskError(.conflict, "the session has no customer message to reply to")
        }
        if let problem = content.outboundProblem(on: latest.channel) {
            throw HandoverDeskError(.badRequest, problem)
        }
        let messageId =
            clientMessageId.map {
                DerivedID.make(from: UUID(uuidString: record.id) ?? latest.id, name: "agent-reply:\($0)")
            }
            ?? ids.next()
        var envelope = Envelope(
            id: messageId, tenantId: tenantId, channel: latest.channel, direction: .outbound, kind: .message,
            externalId: latest.externalId, customerId: latest.customerId ?? record.customerId,
            sessionId: record.sessionId, content: content, receivedAt: now(),
            traceId: ids.next().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
            sender: .agent(id: agentId))
        envelope.conversationId = latest.conversationId
        // Back through the provider the customer wrote through (WhatsApp on Meta or on Twilio).
        envelope.provider = latest.provider
        try await publish(StageOutput.envelope(envelope, to: topics.outbound), traceId: envelope.traceId)
        logger.info(
            "Agent reply produced",
            metadata: ["trace_id": "\(envelope.traceId)", "tenant": "\(tenantId)", "handover_id": "\(record.id)"])
        return envelope
    }

    // MARK: - Helpers

    /// The bot owns the session again. Only the session still handed over for this handover goes back: a
    /// retried resolve must not end a newer handover of the same session.
    private func giveBackToBot(_ record: HandoverRecord) async throws {
        if let session = try await database.sessions.session(id: record.sessionId),
            session.handover == nil || session.handover?.handoverId == record.id
        {
            try await database.sessions.setOwner(sessionId: record.sessionId, owner: .bot, handover: nil)
        }
    }

    private func find(tenantId: String, id: String) async throws -> HandoverRecord {
        guard let record = try await database.handovers.handover(tenantId: tenantId, id: id) else {
            throw HandoverDeskError.notFound
        }
        return record
    }

    /// Applies `change` to the stored handover and saves it if `change` says it changed something,
    /// re-reading and trying again when another request changed it in between. Returns the handover and
    /// whether this call stored a change.
    private func transition(
        tenantId: String, id: String,
        _ change: (inout HandoverRecord, Date) throws -> Bool
    ) async throws -> (HandoverRecord, Bool) {
        for _ in 0..<5 {
            var record = try await find(tenantId: tenantId, id: id)
            let before = record
            let changed: Bool
            do {
                changed = try change(&record, now())
            } catch let refusal as HandoverTransitionError {
                throw HandoverDeskError(.conflict, refusal.description)
            }
            if !changed { return (record, false) }
            if try await database.handovers.replace(record, expecting: before) { return (record, true) }
        }
        throw HandoverDeskError(.conflict, "handover is being changed by another request; try again")
    }

    /// Refuses to give `agentId` another conversation when they hold the tenant's maximum already. The
    /// count is read before the claim is stored, so two claims at the same instant may pass it together:
    /// the limit protects an agent's workload, it is not a hard invariant.
    private func checkLimit(tenantId: String, agentId: String, handoverId: String) async throws {
        guard let limit = tenants?.tenant(id: tenantId)?.desk.maxConversationsPerAgent, limit > 0 else { return }
        let held = try await database.handovers.list(tenantId: tenantId, status: .claimed, agentId: agentId)
        guard held.count >= limit, !held.contains(where: { $0.id == handoverId }) else { return }
        throw HandoverDeskError(
            .conflict, "\(agentId) already holds \(held.count) conversations, the tenant's limit per agent")
    }

    private func recordClaim(_ record: HandoverRecord) {
        metrics.transition("claimed")
        if record.firstClaimedAt == record.claimedAt, let waitTime = record.waitTime {
            metrics.wait.recordSeconds(waitTime)
        }
    }

    private func latestInbound(_ record: HandoverRecord) async throws -> MessageStore.StoredMessage? {
        try await database.messages.session(tenantId: record.tenantId, sessionId: record.sessionId)
            .last { $0.direction == Direction.inbound.rawValue }
    }

    private func publish(event: SwitchboardEvent, for record: HandoverRecord) async throws {
        try await publish(.event(event, to: topics.events, key: record.partitionKey), traceId: event.traceId)
    }

    /// Produces one record and waits for the broker; any failure is reported as ``HandoverDeskError/brokerUnavailable``
    /// so the agent is never told a change went out that the broker did not acknowledge.
    private func publish(_ output: StageOutput, traceId: String?) async throws {
        do {
            try await sink.publish([output.record()])
        } catch {
            var metadata: Logger.Metadata = ["topic": "\(output.topic)", "error": "\(error)"]
            if let traceId { metadata["trace_id"] = "\(traceId)" }
            logger.error("The broker did not acknowledge a handover record", metadata: metadata)
            throw HandoverDeskError.brokerUnavailable
        }
    }
}
