import Foundation

/// A record analytics counts: a customer's message from `sessioned`, a message to a customer from
/// `outbound`, or an event.
public enum AnalyticsInput: Sendable, Hashable {
    case inbound(Envelope)
    case outbound(Envelope)
    case event(SwitchboardEvent)

    /// What a record adds: a counted fact (stored once by its id) and a change to its session's fact.
    public typealias Facts = (record: AnalyticsRecordFact?, session: AnalyticsSessionChange?)

    /// What the record adds.
    public var facts: Facts {
        switch self {
        case .inbound(let envelope): Self.inbound(envelope)
        case .outbound(let envelope): Self.outbound(envelope)
        case .event(let event): Self.event(event)
        }
    }

    private static func id(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }

    private static func inbound(_ envelope: Envelope) -> Facts {
        guard envelope.direction == .inbound, envelope.kind == .message else { return (nil, nil) }
        let fact = AnalyticsRecordFact(
            id: id(envelope.id), tenantId: envelope.tenantId, kind: .messageIn, channel: envelope.channel.rawValue,
            at: envelope.receivedAt)
        guard let sessionId = envelope.sessionId else { return (fact, nil) }
        // An answer to the survey is not a conversation of its own (it may open a session after the one asked about).
        if envelope.annotations.csatSurvey != nil, let text = envelope.content?.textForUnderstanding,
            CSATAnswer.score(text) != nil
        {
            return (fact, nil)
        }
        var change = AnalyticsSessionChange(
            sessionId: sessionId, tenantId: envelope.tenantId, customerId: envelope.customerId,
            channel: envelope.channel.rawValue)
        change.earliest[.startedAt] = envelope.receivedAt
        change.latest[.lastAt] = envelope.receivedAt
        return (fact, change)
    }

    private static func outbound(_ envelope: Envelope) -> Facts {
        guard envelope.direction == .outbound, envelope.kind == .message else { return (nil, nil) }
        var fact = AnalyticsRecordFact(
            id: id(envelope.id), tenantId: envelope.tenantId, kind: .messageOut, channel: envelope.channel.rawValue,
            at: envelope.receivedAt)
        var agentId: String?
        switch envelope.sender {
        case .agent(let id):
            fact.sender = "agent"
            agentId = id
        case .bot: fact.sender = "bot"
        case .system, nil: fact.sender = "system"
        }
        fact.agentId = agentId
        guard let sessionId = envelope.sessionId else { return (fact, nil) }
        var change = AnalyticsSessionChange(
            sessionId: sessionId, tenantId: envelope.tenantId, customerId: envelope.customerId,
            channel: envelope.channel.rawValue)
        // Switchboard's own notices (offline replies, surveys, thanks) neither answer nor prolong a conversation.
        if fact.sender != "system" {
            change.earliest[.firstReplyAt] = envelope.receivedAt
            change.latest[.lastAt] = envelope.receivedAt
        }
        if let agentId { change.agents = [agentId] }
        return (fact, change)
    }

    private static func event(_ event: SwitchboardEvent) -> Facts {
        let eventId = id(event.id)
        if event.type == .deliveryStatus {
            guard event.details["state"] == DeliveryStatus.State.failed.rawValue else { return (nil, nil) }
            return (
                AnalyticsRecordFact(
                    id: eventId, tenantId: event.tenantId, kind: .deliveryFailed, channel: event.details["channel"],
                    at: event.occurredAt), nil
            )
        }
        // A session starts with its first message (`session_started` carries that message's time): a session
        // opened only by a survey answer is no conversation.
        guard let sessionId = event.sessionId else { return (nil, nil) }
        var change = AnalyticsSessionChange(
            sessionId: sessionId, tenantId: event.tenantId, customerId: event.customerId)
        let handover = event.details["handover_id"] ?? ""
        var fact: AnalyticsRecordFact?
        switch event.type {
        case .handoverStarted where !handover.isEmpty:
            change.earliest[.handoverStarted(handover)] = event.occurredAt
            let reason = event.details["reason"] ?? "unknown"
            change.values.append(.handoverReason(handover, reason))
            fact = AnalyticsRecordFact(
                id: eventId, tenantId: event.tenantId, kind: .handover, label: reason, at: event.occurredAt)
        case .handoverClaimed where !handover.isEmpty:
            change.earliest[.handoverClaimed(handover)] = event.occurredAt
        case .handoverEnded where !handover.isEmpty:
            change.latest[.handoverEnded(handover)] = event.occurredAt
            if let agent = event.details["agent_id"] { change.values.append(.handoverAgent(handover, agent)) }
            if let seconds = event.details["handle_seconds"].flatMap(Double.init) {
                change.values.append(.handoverHandleSeconds(handover, seconds))
            }
        case .csatAnswered:
            guard let score = event.details["score"].flatMap(Int.init), (1...5).contains(score) else {
                return (nil, nil)
            }
            change.values.append(.csat(score: score, agentId: event.details["agent_id"]))
            fact = AnalyticsRecordFact(
                id: eventId, tenantId: event.tenantId, kind: .csat, channel: event.details["channel"],
                agentId: event.details["agent_id"], label: String(score), at: event.occurredAt)
        default:
            return (nil, nil)
        }
        return (fact, change)
    }
}
