import Foundation
import SwitchboardCore
import SwitchboardRuntime

extension NLPHandler {
    /// Before the engines: the same answer again for a redelivered form message, the next step of the
    /// session's active form, or a form a trigger phrase starts. Nil when no form is involved.
    ///
    /// A form whose session moved on by more than one message (messages in between went to a person) is
    /// left, and the message is handled as any other.
    func formTurn(
        _ envelope: Envelope, text: String, tenant: TenantConfiguration, store: any FormStoring, sessionId: String,
        chain: EngineChain, context: StageContext
    ) async throws -> [StageOutput]? {
        let messageId = envelope.id.uuidString.lowercased()
        let stored = try await store.formState(sessionId: sessionId)
        if let stored, stored.lastMessageId == messageId {
            return replay(stored, envelope: envelope, tenant: tenant, context: context)
        }
        if var state = stored, state.status == .active, let definition = tenant.bot.forms[state.form] {
            if let last = state.lastSequence, let sequence = envelope.sequence, sequence > last + 1 {
                state.status = .abandoned
                try await store.saveFormState(state, sessionId: sessionId)
                context.logger.info(
                    "Form left: the conversation went on without the bot", metadata: ["form": "\(state.form)"])
            } else {
                var entities: [Entity] = []
                // A slot filled from an entity needs the engine; its answer also says if a person is wanted.
                if let asking = state.asking, definition.slots.first(where: { $0.name == asking })?.entity != nil,
                    case .answered(let answer, _, _) = await chain.run(
                        BotTurn(tenantId: tenant.id, text: text, messageId: envelope.id), logger: context.logger)
                {
                    entities = answer.result.entities
                    let policy = tenant.nlp.botPolicy
                    if answer.result.intent == policy.handoverIntent,
                        answer.result.confidence >= policy.confidenceThreshold
                    {
                        state.status = .handedOver
                        state.lastMessageId = messageId
                        state.lastSequence = envelope.sequence
                        state.lastReply = nil
                        try await store.saveFormState(state, sessionId: sessionId)
                        return replay(state, envelope: envelope, tenant: tenant, context: context)
                    }
                }
                let (next, step) = FormMachine.step(
                    state, definition: definition, text: text, entities: entities, messageId: messageId,
                    sequence: envelope.sequence)
                return try await apply(
                    next, step: step, definition: definition, envelope: envelope, tenant: tenant, store: store,
                    sessionId: sessionId, context: context)
            }
        }
        for (name, definition) in tenant.bot.forms.sorted(by: { $0.key < $1.key })
        where FormMachine.matches(text, anyOf: definition.triggerPhrases) {
            let (state, step) = FormMachine.start(
                name, definition: definition, entities: [], messageId: messageId, sequence: envelope.sequence)
            return try await apply(
                state, step: step, definition: definition, envelope: envelope, tenant: tenant, store: store,
                sessionId: sessionId, context: context)
        }
        return nil
    }

    /// After the engines: the form the recognised intent starts, if any.
    func formStart(
        _ envelope: Envelope, result: NLPResult, tenant: TenantConfiguration, store: any FormStoring,
        sessionId: String, context: StageContext
    ) async throws -> [StageOutput]? {
        guard let intent = result.intent, result.confidence >= tenant.nlp.confidenceThreshold,
            let (name, definition) = tenant.bot.forms.sorted(by: { $0.key < $1.key }).first(where: {
                $0.value.triggerIntents.contains(intent)
            })
        else { return nil }
        let (state, step) = FormMachine.start(
            name, definition: definition, entities: result.entities, messageId: envelope.id.uuidString.lowercased(),
            sequence: envelope.sequence)
        return try await apply(
            state, step: step, definition: definition, envelope: envelope, tenant: tenant, store: store,
            sessionId: sessionId, context: context)
    }

    /// Answers a form step (running the form's action once every slot is filled), and stores the state with
    /// its answer before anything is sent.
    private func apply(
        _ state: FormState, step: FormMachine.Step, definition: FormDefinition, envelope: Envelope,
        tenant: TenantConfiguration, store: any FormStoring, sessionId: String, context: StageContext
    ) async throws -> [StageOutput] {
        var state = state
        var letters: [StageOutput] = []
        var reply: String?
        switch step {
        case .ask(let text), .cancelled(let text):
            reply = text
        case .complete(let slots):
            if let name = definition.action, var action = tenant.bot.actions[name], let actions = bot.actions {
                action.reply = definition.doneReply
                let call = ActionCall(
                    action: name, intent: nil, entities: [], slots: slots, tenantId: tenant.id,
                    customerId: envelope.customerId, sessionId: envelope.sessionId, messageId: envelope.id, text: nil)
                switch await actions.run(action, call: call, values: slots) {
                case .reply(let text):
                    reply = text
                case .response(let response, _):
                    // A form keeps its answer as text, to give the same again on a redelivery.
                    reply = response.text
                case .handover:
                    reply = nil
                case .failed(let reason):
                    context.logger.error(
                        "Form action failed; the fallback reply goes out",
                        metadata: ["form": "\(state.form)", "reason": "\(reason)"])
                    reply = tenant.bot.fallbackReply
                    if let letter = deadLetter(envelope, reason: reason, context: context) {
                        letters.append(.deadLetter(letter, to: context.topics.deadletter, key: envelope.partitionKey))
                    }
                }
            } else {
                reply = ReplyTemplate.fill(definition.doneReply, with: slots) ?? definition.doneReply
            }
        }
        state.lastReply = reply
        if reply == nil { state.status = .handedOver }
        try await store.saveFormState(state, sessionId: sessionId)
        context.logger.info(
            "Form step",
            metadata: [
                "form": "\(state.form)", "status": "\(state.status.rawValue)",
                "asking": "\(state.asking ?? "-")",
            ])
        return replay(state, envelope: envelope, tenant: tenant, context: context) + letters
    }

    /// The answer stored with the state: a reply, or a hand-over.
    private func replay(
        _ state: FormState, envelope: Envelope, tenant: TenantConfiguration, context: StageContext
    ) -> [StageOutput] {
        var envelope = envelope
        envelope.annotations.unknownFields["form"] = .string(state.form)
        var published: [StageOutput] = []
        // A completed form's action on the actions topic: emitted with every answer of its last message,
        // under the same id, so a redelivery after a crash does not lose it.
        if state.status == .completed || (state.status == .handedOver && state.asking == nil),
            let name = tenant.bot.forms[state.form]?.action, tenant.bot.actions[name]?.topic == true
        {
            let call = ActionCall(
                action: name, intent: nil, entities: [], slots: state.slots, tenantId: tenant.id,
                customerId: envelope.customerId, sessionId: envelope.sessionId, messageId: envelope.id, text: nil)
            let event = IntentActions.event(call, messageId: envelope.id, traceId: envelope.traceId, at: clock())
            published.append(.event(event, to: context.topics.actions, key: envelope.partitionKey))
        }
        guard let reply = state.lastReply else {
            // Still asking for a slot: the customer asked for a person; otherwise the form's action did.
            let reason: HandoverReason = state.asking != nil ? .customerAskedForHuman : .botRequested
            return handOver(envelope, reason: reason, tenant: tenant, context: context) + published
        }
        return [botReply(envelope, text: reply, context: context)] + published
    }
}
