/// The messages of one chat-completions call: the system prompt, as much recent context as the token
/// budget allows (newest kept, oldest dropped), and the customer's message.
public struct ChatPrompt: Sendable, Hashable {
    /// One message of the conversation, with its OpenAI role (`system`, `user`, `assistant`).
    public struct Message: Sendable, Hashable, Codable {
        public var role: String
        public var content: String

        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    /// The messages, in order.
    public var messages: [Message]
    /// Their estimated input tokens.
    public var estimatedTokens: Int
    /// Earlier messages left out for the budget.
    public var droppedHistory: Int

    /// Builds the prompt for `turn` within `budget` tokens.
    ///
    /// The system prompt and the message always go in (a single message over the budget is sent as it is;
    /// the endpoint decides); earlier messages go in newest first while they fit.
    public static func build(
        system: String, turn: BotTurn, budget: Int, estimator: TokenEstimator
    ) -> ChatPrompt {
        let head = Message(role: "system", content: system)
        let tail = Message(role: "user", content: turn.text)
        var used = estimator.messageTokens(system) + estimator.messageTokens(turn.text)
        var kept: [Message] = []
        var dropped = 0
        for (offset, earlier) in turn.history.reversed().enumerated() {
            let cost = estimator.messageTokens(earlier.text)
            guard used + cost <= budget else {
                dropped = turn.history.count - offset
                break
            }
            used += cost
            kept.append(Message(role: earlier.author == .customer ? "user" : "assistant", content: earlier.text))
        }
        return ChatPrompt(messages: [head] + kept.reversed() + [tail], estimatedTokens: used, droppedHistory: dropped)
    }

    /// The system prompt for JSON-mode classification into `intents`.
    public static func classificationInstructions(intents: [String], handoverIntent: String) -> String {
        let names = (intents + [handoverIntent]).map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            Classify the customer's last message. Answer with one JSON object only: \
            {"intent": one of [\(names)] or null, "confidence": a number from 0 to 1, \
            "entities": an object of entity name to the text found}. \
            Use "\(handoverIntent)" when the customer wants a person.
            """
    }
}
