import Foundation

/// Where a session stands in a form, stored on the session record so that it survives restarts and
/// redelivery.
///
/// The last message handled and what it was answered are kept too: a redelivered message gets the same
/// answer again instead of being taken for the next slot's value.
public struct FormState: Sendable, Hashable, Codable {
    /// Whether the form still runs.
    public enum Status: String, Sendable, Hashable, Codable {
        case active, completed, cancelled, handedOver = "handed_over", abandoned
    }

    /// The form's name in `bot.forms`.
    public var form: String
    public var status: Status
    /// Slot values so far.
    public var slots: [String: String]
    /// The slot asked for last.
    public var asking: String?
    /// The inbound message handled last, and its number in the session.
    public var lastMessageId: String
    public var lastSequence: Int64?
    /// What that message was answered: a reply, or (nil) a hand-over.
    public var lastReply: String?

    public init(
        form: String, status: Status = .active, slots: [String: String] = [:], asking: String? = nil,
        lastMessageId: String, lastSequence: Int64?, lastReply: String?
    ) {
        self.form = form
        self.status = status
        self.slots = slots
        self.asking = asking
        self.lastMessageId = lastMessageId
        self.lastSequence = lastSequence
        self.lastReply = lastReply
    }

    enum CodingKeys: String, CodingKey {
        case form, status, slots, asking
        case lastMessageId = "last_message_id"
        case lastSequence = "last_sequence"
        case lastReply = "last_reply"
    }
}

/// The decisions of a form: which slot a message fills, what to ask next, when it is done. Pure; the
/// handler stores the state and runs the action.
public enum FormMachine {
    /// What to do after a message.
    public enum Step: Sendable, Hashable {
        /// Ask this (a slot's prompt, after an explanation when the value was refused).
        case ask(String)
        /// Every slot is filled: run the action, if any, then answer ``FormDefinition/doneReply``.
        case complete([String: String])
        /// The customer left the form.
        case cancelled(String)
    }

    /// Starts `definition`, filling what the first message's entities already give.
    public static func start(
        _ name: String, definition: FormDefinition, entities: [Entity], messageId: String, sequence: Int64?
    ) -> (FormState, Step) {
        var state = FormState(form: name, lastMessageId: messageId, lastSequence: sequence, lastReply: nil)
        for slot in definition.slots {
            if let entity = slot.entity, let found = entities.first(where: { $0.name == entity }),
                let value = accepted(found.value, for: slot)
            {
                state.slots[slot.name] = value
            }
        }
        return next(state, definition: definition, prefix: nil)
    }

    /// The step for `text` (with the engine's `entities`, if it classified the message) in an active form.
    public static func step(
        _ state: FormState, definition: FormDefinition, text: String, entities: [Entity], messageId: String,
        sequence: Int64?
    ) -> (FormState, Step) {
        var state = state
        state.lastMessageId = messageId
        state.lastSequence = sequence
        if matches(text, anyOf: definition.cancelPhrases) {
            state.status = .cancelled
            state.asking = nil
            return (state, .cancelled(definition.cancelReply))
        }
        guard let asking = state.asking, let slot = definition.slots.first(where: { $0.name == asking }) else {
            return next(state, definition: definition, prefix: nil)
        }
        guard let value = value(of: slot, text: text, entities: entities) else {
            let refusal = slot.invalid ?? "Sorry, I did not get that. \(slot.prompt)"
            return (state, .ask(refusal))
        }
        state.slots[slot.name] = value
        return next(state, definition: definition, prefix: nil)
    }

    private static func next(_ state: FormState, definition: FormDefinition, prefix: String?) -> (FormState, Step) {
        var state = state
        if let missing = definition.slots.first(where: { state.slots[$0.name] == nil }) {
            state.asking = missing.name
            return (state, .ask(missing.prompt))
        }
        state.asking = nil
        state.status = .completed
        return (state, .complete(state.slots))
    }

    /// The slot's value in a message: its entity, its pattern's first group (or match), or (a slot naming
    /// neither) the whole text; nil when there is none or it fails the length checks.
    static func value(of slot: FormDefinition.Slot, text: String, entities: [Entity]) -> String? {
        if let entity = slot.entity, let found = entities.first(where: { $0.name == entity }) {
            return accepted(found.value, for: slot)
        }
        if slot.entity != nil && slot.regex == nil { return nil }
        if let pattern = slot.regex {
            guard let regex = try? Regex(pattern), let match = text.firstMatch(of: regex) else { return nil }
            let group = match.output.count > 1 ? match.output[1].substring : match.output[0].substring
            return group.flatMap { accepted(String($0), for: slot) }
        }
        return accepted(text, for: slot)
    }

    static func accepted(_ raw: String, for slot: FormDefinition.Slot) -> String? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count >= max(1, slot.minLength), value.count <= slot.maxLength else { return nil }
        return value
    }

    /// Whether `text` contains one of `phrases` as whole words, in any case.
    public static func matches(_ text: String, anyOf phrases: [String]) -> Bool {
        let words =
            " " + text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
            + " "
        return phrases.contains { phrase in
            let wanted = phrase.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(
                separator: " ")
            return !wanted.isEmpty && words.contains(" \(wanted) ")
        }
    }
}
