import SwitchboardCore
import SwitchboardRuntime

extension NLPHandler {
    /// The `engine` annotation of a message whose payload named its intent: no engine was asked.
    static let payloadEngine = BotEngineKind(rawValue: "payload")

    /// The annotation that records a numbered answer taken as a tap: `{"number": 2, "option": "<id>"}`.
    static let numberedAnswerKey = "numbered_answer"

    /// The intent the message names itself (``IntentCommand``): its button's payload, or its text. Nil when it
    /// names none, when the command is malformed, or when the tenant's built-in model does not know the
    /// intent (and no intent action has its name): the message is then classified as any other.
    func intentCommand(_ envelope: Envelope, tenant: TenantConfiguration) -> IntentCommand? {
        let source: String
        switch envelope.content {
        case .interactive(let reply)?: source = reply.payload
        case .text(let text)?: source = text
        default: return nil
        }
        guard let command = IntentCommand(parsing: source) else { return nil }
        if let known = intents(tenant.id), !known.contains(command.intent),
            tenant.bot.actions[command.intent] == nil, command.intent != tenant.nlp.handoverIntent
        {
            return nil
        }
        return command
    }

    /// `envelope` with a bare number ("2", " 2. ", "2)") as a tap on that option of the choice the bot sent
    /// last, on channels that show a choice as numbered lines: its content becomes the interactive reply the
    /// tap would have sent, and the ``numberedAnswerKey`` annotation records the number.
    ///
    /// The session is read only for a bare number, so other messages cost no round trip. The customer's text
    /// stays as written where it is kept: the session stage stored the message before it came here. Without
    /// ``BotServices/choices`` (nlp-plugin runs without the database when no tenant's bot needs it, see
    /// ``BotServices/needsDatabase(_:offersChoices:)``) the number is understood as the text it is.
    func numberedAnswer(_ envelope: Envelope, context: StageContext) async throws -> Envelope {
        guard case .text(let text)? = envelope.content, let number = Content.Choice.answerNumber(text),
            Self.showsChoicesAsNumbers(envelope), let choices = bot.choices, let sessionId = envelope.sessionId,
            let sequence = envelope.sequence
        else { return envelope }
        guard
            let choice = try await choices.lastChoice(
                tenantId: envelope.tenantId, sessionId: sessionId, before: sequence),
            let reply = choice.reply(toNumbered: text)
        else { return envelope }
        var mapped = envelope
        mapped.content = .interactive(reply)
        mapped.annotations.unknownFields[Self.numberedAnswerKey] = .object([
            "number": .number(Double(number)), "option": .string(reply.payload),
        ])
        context.logger.debug(
            "A numbered answer picks an option of the bot's last choice", metadata: ["number": "\(number)"])
        return mapped
    }

    /// Whether the channel sends a ``Content/Choice`` as numbered lines: SMS, WhatsApp through Twilio (no
    /// buttons outside approved templates), and web chat, whose text-only clients get the numbered text.
    static func showsChoicesAsNumbers(_ envelope: Envelope) -> Bool {
        switch envelope.channel {
        case .sms, .webchat: true
        case .whatsapp: envelope.provider == WhatsAppProvider.twilio.rawValue
        case .telegram, .messenger: false
        }
    }
}
