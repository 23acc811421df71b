public import Foundation
public import SwitchboardCore
public import SwitchboardRuntime

/// nlp-plugin: asks the tenant's engine chain (the built-in engine, a Rasa server, a language model, with
/// fallbacks) about the customer's text and answers: with the model's own reply, an intent action's answer,
/// or the intent's response template; or hands the conversation to a human (low confidence, an intent or a
/// model that asks for a person, no template, no engine answering, content it cannot read). Intent,
/// entities, confidence and the engine that answered go into the envelope.
///
/// A message whose button payload (or text) names its intent (`/intent{"entity": "value"}`, see
/// ``IntentCommand``) is not classified, whatever the engines; and on channels that show options as numbered
/// lines, an answer of just a number is taken as a tap on that option of the bot's last choice.
///
/// Every reply's id derives from the inbound message's, and everything it depends on (the session's earlier
/// messages, the cached model answer) is the same on a redelivery, so a redelivered message gives the same
/// reply, which the outbound stage drops. A response of two messages (an image, then a choice) has two such
/// ids.
public struct NLPHandler: EnvelopeHandler {
    let bot: BotServices
    let templates: @Sendable (String) -> ResponseTemplates?
    let intents: @Sendable (String) -> [String]?
    let environment: DaemonEnvironment
    let clock: @Sendable () -> Date

    /// The built-in `engine` for every tenant. `intents` are the intents a tenant's built-in model knows (nil:
    /// no model, any `/intent` payload is taken).
    public init(
        engine: any NLPEngine,
        templates: @escaping @Sendable (String) -> ResponseTemplates?,
        intents: @escaping @Sendable (String) -> [String]? = { _ in nil },
        environment: DaemonEnvironment,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            bot: .builtInOnly(engine, tenants: environment.tenants), templates: templates, intents: intents,
            environment: environment, clock: clock)
    }

    /// Each tenant's chain from `bot`. `intents` are the intents a tenant's built-in model knows (nil: no
    /// model, any `/intent` payload is taken).
    public init(
        bot: BotServices,
        templates: @escaping @Sendable (String) -> ResponseTemplates?,
        intents: @escaping @Sendable (String) -> [String]? = { _ in nil },
        environment: DaemonEnvironment,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.bot = bot
        self.templates = templates
        self.intents = intents
        self.environment = environment
        self.clock = clock
    }

    /// Answers the message (``answer(_:context:)``) and, where the tenant has `receipts`, shows the customer
    /// that the bot read it and is answering (``SenderAction``): for a slow engine first in the chain (Rasa, a
    /// language model) a read receipt and typing indicator go out at once through ``BotServices/senderActions``,
    /// before the engine is asked; otherwise only a read receipt, produced just before the bot's reply (a typing
    /// indicator that arrives with the answer would show nothing). No receipt when the bot does not answer (a
    /// hand-over: the agent's claim sends it).
    public func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        let announced = announce(envelope)
        let outputs = try await answer(envelope, context: context)
        return announced ? outputs : withReadReceipt(outputs, for: envelope, context: context)
    }

    /// Publishes read (if on) and typing at once for a tenant whose first engine is slow; whether it did.
    func announce(_ envelope: Envelope) -> Bool {
        guard let sink = bot.senderActions, let tenant = environment.tenants.tenant(id: envelope.tenantId),
            tenant.receipts.typing, let first = bot.chains[tenant.id]?.engines.first, first.kind != .builtin,
            envelope.content?.textForUnderstanding?.isEmpty == false,
            let signal = envelope.senderAction(
                tenant.receipts.allowed([.read, .typing]), by: .bot, name: "nlp-typing", at: clock())
        else { return false }
        sink.publish(signal)
        return true
    }

    /// `outputs` with a read receipt in front when they hold a bot reply to `envelope` and the tenant sends them.
    func withReadReceipt(_ outputs: [StageOutput], for envelope: Envelope, context: StageContext) -> [StageOutput] {
        guard environment.tenants.tenant(id: envelope.tenantId)?.receipts.read == true,
            outputs.contains(where: { output in
                if case .envelope(let reply, let topic) = output, topic == context.topics.outbound,
                    reply.replyTo == envelope.id, reply.kind == .message
                {
                    return true
                }
                return false
            }),
            let signal = envelope.senderAction([.read], by: .bot, name: "nlp-read", at: clock())
        else { return outputs }
        return [.envelope(signal, to: context.topics.outbound)] + outputs
    }

    /// The bot's answer to one message: a reply, a form's turn, a hand-over, or dead letters besides.
    func answer(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        let tenant = try environment.tenant(envelope.tenantId)
        let envelope = try await numberedAnswer(envelope, context: context)
        guard let text = envelope.content?.textForUnderstanding, !text.isEmpty else {
            return handOver(envelope, reason: .unsupportedContent, tenant: tenant, context: context)
        }
        guard let chain = bot.chains[tenant.id] else {
            throw StageFailure.permanent("no bot engine chain for tenant '\(tenant.id)'")
        }
        if let forms = bot.forms, !tenant.bot.forms.isEmpty, let sessionId = envelope.sessionId,
            let outputs = try await formTurn(
                envelope, text: text, tenant: tenant, store: forms, sessionId: sessionId, chain: chain,
                context: context)
        {
            return outputs
        }
        let outcome: EngineChain.Outcome
        if let command = intentCommand(envelope, tenant: tenant) {
            // Named by the message itself: no engine is asked, and templates, actions and forms apply alike.
            context.logger.debug("Intent named by the message's payload", metadata: ["intent": "\(command.intent)"])
            outcome = .answered(BotAnswer(result: command.result), engine: Self.payloadEngine, passedOver: [])
        } else {
            var turn = BotTurn(tenantId: tenant.id, text: text, messageId: envelope.id)
            // Web chat visitors listen on a stream, where a reply's preview can show while a model writes it.
            if envelope.channel == .webchat, let conversationId = envelope.conversationId {
                turn.stream = ReplyDeltaTarget(
                    tenantId: tenant.id, conversationId: conversationId, userId: envelope.externalId,
                    inReplyTo: envelope.id, traceId: envelope.traceId)
            }
            if chain.wantsHistory, let history = bot.history, let sessionId = envelope.sessionId,
                let sequence = envelope.sequence
            {
                let limit = tenant.bot.llm?.historyMessages ?? 20
                turn.history = try await history.recent(
                    tenantId: tenant.id, sessionId: sessionId, before: sequence, limit: limit)
            }
            outcome = await chain.run(turn, logger: context.logger)
        }
        switch outcome {
        case .exhausted(let failures):
            return handOver(envelope, reason: .botUnavailable, tenant: tenant, context: context)
                + badAnswers(failures, envelope: envelope, context: context)
        case .answered(let answer, let engine, let passedOver):
            let letters = badAnswers(passedOver, envelope: envelope, context: context)
            var annotated = envelope
            annotated.annotations.intent = answer.result.intent
            annotated.annotations.confidence = answer.result.confidence
            annotated.annotations.entities = answer.result.entities
            annotated.annotations.unknownFields["engine"] = .string(engine.rawValue)
            if let forms = bot.forms, let sessionId = envelope.sessionId,
                let outputs = try await formStart(
                    annotated, result: answer.result, tenant: tenant, store: forms, sessionId: sessionId,
                    context: context)
            {
                return outputs + letters
            }
            return await respond(annotated, answer: answer, text: text, tenant: tenant, context: context) + letters
        }
    }

    private func respond(
        _ envelope: Envelope, answer: BotAnswer, text: String, tenant: TenantConfiguration, context: StageContext
    ) async -> [StageOutput] {
        let policy = tenant.nlp.botPolicy
        let result = answer.result
        if answer.handoverRequested {
            return handOver(envelope, reason: .botRequested, tenant: tenant, context: context)
        }
        if let intent = result.intent, result.confidence >= policy.confidenceThreshold,
            intent != policy.handoverIntent, let action = tenant.bot.actions[intent], bot.actions != nil
        {
            let call = ActionCall(
                action: intent, intent: intent, entities: result.entities, tenantId: tenant.id,
                customerId: envelope.customerId, sessionId: envelope.sessionId, messageId: envelope.id, text: text)
            var values: [String: String] = [:]
            for entity in result.entities where values[entity.name] == nil { values[entity.name] = entity.value }
            return await runAction(
                action, call: call, values: values, envelope: envelope, tenant: tenant,
                context: context)
        }
        if result.intent == nil, let reply = answer.reply {
            return [botReply(envelope, text: reply, context: context)]
        }
        // A stable variant per message: a redelivery picks the same template, so the reply is identical.
        let variant = Int(envelope.id.uuid.15)
        let responses = templates(envelope.tenantId) ?? ResponseTemplates([:])
        switch policy.decide(result, templates: responses, variant: variant) {
        case .reply(let reply, let intent, let confidence, let entities):
            context.logger.info("Bot reply", metadata: ["intent": "\(intent)", "confidence": "\(confidence)"])
            // The variant the policy took the text of, with its buttons and image.
            let response =
                responses.response(for: intent, entities: entities, variant: variant) ?? BotResponse(text: reply)
            return botReplies(envelope, response: response, context: context)
        case .handover(let reason, _, _):
            if reason == .noResponse, let reply = answer.reply {
                return [botReply(envelope, text: reply, context: context)]
            }
            return handOver(envelope, reason: reason, tenant: tenant, context: context)
        }
    }

    /// Runs an intent action: its reply, a hand-over, or (failed) the fallback reply plus a dead letter.
    func runAction(
        _ action: IntentActionSettings, call: ActionCall, values: [String: String], envelope: Envelope,
        tenant: TenantConfiguration, context: StageContext
    ) async -> [StageOutput] {
        guard let actions = bot.actions else {
            return [botReply(envelope, text: tenant.bot.fallbackReply, context: context)]
        }
        var published: [StageOutput] = []
        if action.topic {
            let event = IntentActions.event(call, messageId: envelope.id, traceId: envelope.traceId, at: clock())
            published.append(.event(event, to: context.topics.actions, key: envelope.partitionKey))
        }
        switch await actions.run(action, call: call, values: values) {
        case .reply(let reply):
            context.logger.info("Bot reply from an intent action", metadata: ["action": "\(call.action)"])
            return [botReply(envelope, text: reply, context: context)] + published
        case .response(let response, let ignored):
            if !ignored.isEmpty {
                context.logger.warning(
                    "An intent action's answer has buttons or an image that cannot be sent; the reply goes without",
                    metadata: ["action": "\(call.action)", "reason": "\(ignored.joined(separator: "; "))"])
            }
            context.logger.info("Bot reply from an intent action", metadata: ["action": "\(call.action)"])
            return botReplies(envelope, response: response, context: context) + published
        case .handover:
            return handOver(envelope, reason: .botRequested, tenant: tenant, context: context) + published
        case .failed(let reason):
            context.logger.error(
                "Intent action failed; the fallback reply goes out",
                metadata: [
                    "action": "\(call.action)",
                    "reason": "\(reason)",
                ])
            var outputs = [botReply(envelope, text: tenant.bot.fallbackReply, context: context)] + published
            if let letter = deadLetter(envelope, reason: reason, context: context) {
                outputs.append(.deadLetter(letter, to: context.topics.deadletter, key: envelope.partitionKey))
            }
            return outputs
        }
    }

    /// A dead letter for each engine that answered something unreadable: the message itself was answered (by
    /// a fallback or a person), and the letter keeps it for a look at the engine.
    func badAnswers(
        _ failures: [(engine: BotEngineKind, error: BotEngineError)], envelope: Envelope, context: StageContext
    ) -> [StageOutput] {
        failures.filter { $0.error.code == .badAnswer }.compactMap { failure in
            deadLetter(envelope, reason: "engine \(failure.engine): \(failure.error.detail)", context: context).map {
                .deadLetter($0, to: context.topics.deadletter, key: envelope.partitionKey)
            }
        }
    }

    func deadLetter(_ envelope: Envelope, reason: String, context: StageContext) -> DeadLetter? {
        guard let bytes = try? EnvelopeCodec().encode(envelope) else { return nil }
        return DeadLetter(
            originalTopic: context.topic, partition: context.partition, offset: context.offset,
            key: String(decoding: envelope.partitionKey.bytes, as: UTF8.self), originalBytes: bytes, reason: reason,
            stage: "nlp-plugin", failedAt: clock(), traceId: envelope.traceId)
    }

    func botReply(_ envelope: Envelope, text: String, context: StageContext) -> StageOutput {
        botReply(envelope, content: .text(text), stage: "nlp", context: context)
    }

    /// The messages of `response` (``BotResponse/contents(on:)``): the first with the id a text reply has,
    /// each later one with its own id derived from the inbound message's, the same on a redelivery.
    func botReplies(_ envelope: Envelope, response: BotResponse, context: StageContext) -> [StageOutput] {
        response.contents(on: envelope.channel).enumerated().map { index, content in
            botReply(envelope, content: content, stage: index == 0 ? "nlp" : "nlp-\(index + 1)", context: context)
        }
    }

    func botReply(_ envelope: Envelope, content: Content, stage: String, context: StageContext) -> StageOutput {
        var reply = envelope.reply(content: content, sender: .bot, stage: stage, at: clock())
        // The intent answered travels with the reply, so that search finds both by it once the reply is stored.
        reply.annotations.intent = envelope.annotations.intent
        return .envelope(reply, to: context.topics.outbound)
    }

    func handOver(
        _ envelope: Envelope, reason: HandoverReason, tenant: TenantConfiguration, context: StageContext
    ) -> [StageOutput] {
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
