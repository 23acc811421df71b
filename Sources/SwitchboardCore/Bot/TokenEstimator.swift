/// Estimates how many tokens a text costs a model, without the model's tokenizer: characters divided by
/// the tenant's characters-per-token, plus a few tokens of framing per chat message.
public struct TokenEstimator: Sendable, Hashable {
    /// Characters per token (about 4 for English with GPT- and Llama-style BPE tokenizers).
    public var charactersPerToken: Double
    /// Tokens each chat message costs besides its text (role and separators).
    public var perMessage: Int

    public init(charactersPerToken: Double = 4, perMessage: Int = 4) {
        self.charactersPerToken = max(0.5, charactersPerToken)
        self.perMessage = perMessage
    }

    /// Tokens of `text` alone.
    public func tokens(_ text: String) -> Int {
        Int((Double(text.count) / charactersPerToken).rounded(.up))
    }

    /// Tokens of `text` as one chat message.
    public func messageTokens(_ text: String) -> Int {
        tokens(text) + perMessage
    }
}
