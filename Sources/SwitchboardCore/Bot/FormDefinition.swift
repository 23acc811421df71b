import Foundation

/// A multi-turn form (`bot.forms.<name>`): slots the bot asks for one after another, each filled from an
/// entity or a regular expression and validated, then an action (or a reply) once all are filled.
///
/// ```yaml
/// forms:
///   callback:
///     trigger_phrases: ["call me back", "callback"]
///     slots:
///       - name: name
///         prompt: "Sure! Who should we ask for?"
///       - name: phone
///         prompt: "Which number should we call?"
///         regex: "\\+?[0-9][0-9 ]{6,}[0-9]"
///         invalid: "That does not look like a phone number. Which number should we call?"
///     action: book_callback
///     done_reply: "Thanks {name}, we will call {phone}."
/// ```
public struct FormDefinition: Sendable, Hashable, Codable {
    /// One slot.
    public struct Slot: Sendable, Hashable, Codable {
        /// The slot's name, also the `{name}` placeholder of replies.
        public var name: String
        /// What the bot asks.
        public var prompt: String
        /// Fill from this entity of the message, when the engine found one.
        public var entity: String?
        /// Fill from this regular expression's first capture group (or whole match), when the entity is not
        /// there. A slot with neither takes the whole text.
        public var regex: String?
        /// Shortest value accepted, in characters. Default 1.
        public var minLength: Int
        /// Longest value accepted. Default 200.
        public var maxLength: Int
        /// Said when the message does not fill the slot. Default: "Sorry, I did not get that." and the prompt.
        public var invalid: String?

        public init(
            name: String, prompt: String, entity: String? = nil, regex: String? = nil, minLength: Int = 1,
            maxLength: Int = 200, invalid: String? = nil
        ) {
            self.name = name
            self.prompt = prompt
            self.entity = entity
            self.regex = regex
            self.minLength = minLength
            self.maxLength = maxLength
            self.invalid = invalid
        }

        enum CodingKeys: String, CodingKey {
            case name, prompt, entity, regex, invalid
            case minLength = "min_length"
            case maxLength = "max_length"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            prompt = try c.decode(String.self, forKey: .prompt)
            entity = try c.decodeIfPresent(String.self, forKey: .entity)
            regex = try c.decodeIfPresent(String.self, forKey: .regex)
            minLength = try c.decodeIfPresent(Int.self, forKey: .minLength) ?? 1
            maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength) ?? 200
            invalid = try c.decodeIfPresent(String.self, forKey: .invalid)
        }
    }

    /// Intents that start the form.
    public var triggerIntents: [String]
    /// Phrases (whole words, any case) that start the form, whatever the engine says.
    public var triggerPhrases: [String]
    /// The slots, asked in order.
    public var slots: [Slot]
    /// The intent action run with the slots once all are filled (`bot.actions.<action>`). Optional.
    public var action: String?
    /// The reply once all slots are filled (and the action, if any, answered), `{slot}` filled in.
    public var doneReply: String
    /// Phrases that leave the form. Default `cancel`, `stop`, `never mind`.
    public var cancelPhrases: [String]
    /// Said when the customer leaves the form. Default "OK, I have cancelled that."
    public var cancelReply: String

    public init(
        triggerIntents: [String] = [], triggerPhrases: [String] = [], slots: [Slot], action: String? = nil,
        doneReply: String, cancelPhrases: [String] = ["cancel", "stop", "never mind"],
        cancelReply: String = "OK, I have cancelled that."
    ) {
        self.triggerIntents = triggerIntents
        self.triggerPhrases = triggerPhrases
        self.slots = slots
        self.action = action
        self.doneReply = doneReply
        self.cancelPhrases = cancelPhrases
        self.cancelReply = cancelReply
    }

    func validate(
        tenant: String, name: String, actions: [String: IntentActionSettings]
    )
        throws(TenantConfigurationError)
    {
        let prefix = "tenant '\(tenant)': bot.forms.\(name)"
        guard !slots.isEmpty else { throw TenantConfigurationError("\(prefix) needs at least one slot") }
        guard !triggerIntents.isEmpty || !triggerPhrases.isEmpty else {
            throw TenantConfigurationError("\(prefix) needs trigger_intents or trigger_phrases")
        }
        var names: Set<String> = []
        for slot in slots {
            guard !slot.name.isEmpty, names.insert(slot.name).inserted else {
                throw TenantConfigurationError("\(prefix): slot names must be non-empty and distinct")
            }
            guard slot.minLength >= 0, slot.maxLength >= max(1, slot.minLength) else {
                throw TenantConfigurationError("\(prefix).\(slot.name): min_length/max_length are inconsistent")
            }
            if let pattern = slot.regex, (try? NSRegularExpression(pattern: pattern)) == nil {
                throw TenantConfigurationError("\(prefix).\(slot.name).regex is not a valid regular expression")
            }
        }
        if let action, actions[action] == nil {
            throw TenantConfigurationError("\(prefix).action '\(action)' is not one of bot.actions")
        }
    }

    enum CodingKeys: String, CodingKey {
        case slots, action
        case triggerIntents = "trigger_intents"
        case triggerPhrases = "trigger_phrases"
        case doneReply = "done_reply"
        case cancelPhrases = "cancel_phrases"
        case cancelReply = "cancel_reply"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        triggerIntents = try c.decodeIfPresent([String].self, forKey: .triggerIntents) ?? []
        triggerPhrases = try c.decodeIfPresent([String].self, forKey: .triggerPhrases) ?? []
        slots = try c.decode([Slot].self, forKey: .slots)
        action = try c.decodeIfPresent(String.self, forKey: .action)
        doneReply = try c.decode(String.self, forKey: .doneReply)
        cancelPhrases =
            try c.decodeIfPresent([String].self, forKey: .cancelPhrases) ?? ["cancel", "stop", "never mind"]
        cancelReply = try c.decodeIfPresent(String.self, forKey: .cancelReply) ?? "OK, I have cancelled that."
    }
}
