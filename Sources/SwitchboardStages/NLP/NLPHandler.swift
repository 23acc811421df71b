public import Foundation
public import SwitchboardCore
public import SwitchboardRuntime

/// nlp-plugin: classifies the customer's text with the tenant's NLP engine and answers from the intent's
/// response templates, or hands the conversation to a human (low confidence, an intent that asks for a
/// person, no template, content it cannot read). Intent, entities and confidence go into the envelope.
public struct NLPHandler: EnvelopeHandler {
    let engine: any NLPEngine
    let templates: @Sendable (String) -> ResponseTemplates?
    let environment: DaemonEnvironment
    let clock: @Sendable () -> Date

    public init(
        engine: any NLPEngine,
        templates: @escaping @Sendable (String) -> ResponseTemplates?,
        environment: DaemonEnvironment,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.engine = engine
        self.templates = templates
        self.environment = environment
        self.clock = clock
    }

    public func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        let tenant = try environment.tenant(envelope.tenantId)
        var annotated = envelope
        guard let text = envelope.content?.textForUnderstanding, !text.isEmpty else {
            return try handOver(annotated, reason: .unsupportedContent, tenant: tenant, context: context)
        }
        let result: NLPResult
        do {
            result = try await engine.classify(text: text, tenantId: envelope.tenantId)
        } catch let error as NLPError {
            throw StageFailure.permanent("\(error)")
        }
        annotated.annotations.intent = result.intent
        annotated.annotations.confidence = result.confidence
        annotated.annotations.entities = result.entities
        // A stable variant per message: a redelivery picks the same template, so the reply is identical.
        let variant = Int(envelope.id.uuid.15)
        let decision = tenant.nlp.botPolicy.decide(
            result, templates: templates(envelope.tenantId) ?? ResponseTemplates([:]), variant: variant)
        switch decision {
        case .reply(let reply, let intent, let confidence, _):
            context.logger.info("Bot reply", metadata: ["intent": "\(intent)", "confidence": "\(confidence)"])
            let outbound = annotated.reply(content: .text(reply), sender: .bot, stage: "nlp", at: clock())
            return [.envelope(outbound, to: context.topics.outbound)]
        case .handover(let reason, _, _):
            return try handOver(annotated, reason: reason, tenant: tenant, context: context)
        }
    }

    private func handOver(
        _ envelope: Envelope, reason: HandoverReason, tenant: TenantConfiguration, context: StageContext
    ) throws -> [StageOutput] {
        var envelope = envelope
        let decision = RoutingPolicy.escalate(reason: .botHandover, rules: tenant.rules, now: envelope.receivedAt)
        envelope.annotations.routeDecision = decision
        envelope.annotations.handoverReason = reason
        context.logger.info("Bot hands over", metadata: ["reason": "\(reason.rawValue)"])
        if decision.target == .offlineReply {
            let text = decision.replyText ?? tenant.rules.offlineReply
            let reply = envelope.reply(content: .text(text), sender: .system, stage: "nlp-offline", at: clock())
            return [.envelope(reply, to: context.topics.outbound)]
        }
        return [.envelope(envelope, to: context.topics.handover)]
    }
}
