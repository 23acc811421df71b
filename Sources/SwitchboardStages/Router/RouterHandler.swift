public import Foundation
public import SwitchboardCore
public import SwitchboardRuntime

/// message-router: sends each message to the bot (`nlp`) or to a human (`handover`) by the session's owner
/// and the tenant's rules, or answers with the tenant's offline reply outside business hours. The decision
/// and its reason go into the envelope.
public struct RouterHandler: EnvelopeHandler {
    let environment: DaemonEnvironment
    let clock: @Sendable () -> Date

    public init(environment: DaemonEnvironment, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.environment = environment
        self.clock = clock
    }

    public func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        let tenant = try environment.tenant(envelope.tenantId)
        guard envelope.sessionId != nil else {
            throw StageFailure.permanent("the envelope has no session id (not sessioned)")
        }
        if let answer = surveyAnswer(envelope, tenant: tenant, context: context) { return answer }
        // The message's own arrival time decides business hours, so a redelivery routes the same way.
        let decision = RoutingPolicy.route(
            envelope, owner: envelope.sessionOwner ?? .bot, rules: tenant.rules, now: envelope.receivedAt)
        var routed = envelope
        routed.annotations.routeDecision = decision
        context.logger.info(
            "Routed", metadata: ["target": "\(decision.target.rawValue)", "reason": "\(decision.reason.rawValue)"])
        if ConsentChange.keyword(of: envelope) != nil, decision.target != .human {
            // STOP and START were answered by their confirmation (customer-identification); the bot has nothing
            // to add. An agent who owns the conversation still sees them.
            context.logger.info("Consent keyword: answered by its confirmation")
            return []
        }
        switch decision.target {
        case .bot:
            return [.envelope(routed, to: context.topics.nlp)]
        case .human:
            if decision.reason == .customerAskedForHuman { routed.annotations.handoverReason = .customerAskedForHuman }
            return [.envelope(routed, to: context.topics.handover)]
        case .offlineReply:
            let text = decision.replyText ?? tenant.rules.offlineReply
            let reply = routed.reply(content: .text(text), sender: .system, stage: "router-offline", at: clock())
            return [.envelope(reply, to: context.topics.outbound)]
        }
    }

    /// A score for the satisfaction survey the session stage marked this message as the answer to: recorded
    /// (a `csat_answered` event, ids derived from the message) and thanked for, never routed to the bot. A
    /// marked message that is not a score is routed as usual.
    private func surveyAnswer(
        _ envelope: Envelope, tenant: TenantConfiguration, context: StageContext
    ) -> [StageOutput]? {
        guard let mark = envelope.annotations.csatSurvey, let customerId = envelope.customerId,
            let text = envelope.content?.textForUnderstanding, let score = CSATAnswer.score(text)
        else { return nil }
        var details = ["score": String(score), "channel": envelope.channel.rawValue]
        details["agent_id"] = mark.agentId
        if let session = envelope.sessionId { details["answer_session_id"] = session }
        let event = SwitchboardEvent(
            id: DerivedID.make(from: envelope.id, name: SwitchboardEvent.EventType.csatAnswered.rawValue),
            type: .csatAnswered, tenantId: envelope.tenantId, customerId: customerId, sessionId: mark.sessionId,
            traceId: envelope.traceId, occurredAt: envelope.receivedAt, details: details)
        context.logger.info("Survey answer recorded", metadata: ["score": "\(score)"])
        var outputs: [StageOutput] = [
            .event(
                event, to: context.topics.events,
                key: .customer(tenantId: envelope.tenantId, customerId: customerId))
        ]
        if !tenant.csat.thanks.isEmpty {
            let thanks = envelope.reply(
                content: .text(tenant.csat.thanks), sender: .system, stage: "csat-thanks", at: clock())
            outputs.append(.envelope(thanks, to: context.topics.outbound))
        }
        return outputs
    }
}
