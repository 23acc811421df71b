public import Foundation

/// One message for a bot engine to understand, with what it may need around it.
public struct BotTurn: Sendable, Hashable {
    /// The tenant.
    public var tenantId: String
    /// The customer's text.
    public var text: String
    /// The session's earlier messages, oldest first (empty unless an engine in the chain wants context).
    public var history: [BotContextMessage]
    /// The inbound envelope's id.
    public var messageId: UUID
    /// Where previews of the reply go while an engine writes it (web chat messages); nil for none.
    public var stream: ReplyDeltaTarget?

    public init(
        tenantId: String, text: String, history: [BotContextMessage] = [], messageId: UUID,
        stream: ReplyDeltaTarget? = nil
    ) {
        self.tenantId = tenantId
        self.text = text
        self.history = history
        self.messageId = messageId
        self.stream = stream
    }
}

/// An earlier message of the session, as context for a language model.
public struct BotContextMessage: Sendable, Hashable {
    /// Who wrote it.
    public enum Author: String, Sendable, Hashable {
        /// The customer.
        case customer
        /// The bot, an agent or Switchboard.
        case business
    }

    public var author: Author
    public var text: String

    public init(author: Author, text: String) {
        self.author = author
        self.text = text
    }
}

/// What an engine made of a turn.
public struct BotAnswer: Sendable, Hashable {
    /// Intent, confidence and entities, as far as the engine classifies (a generative answer has none).
    public var result: NLPResult
    /// A reply the engine wrote itself (a language model), used instead of a template.
    public var reply: String?
    /// The engine asks for a person (a language model's tool call or marker).
    public var handoverRequested: Bool
    /// Tokens the call consumed, for engines that count them.
    public var usage: TokenUsage?

    public init(result: NLPResult, reply: String? = nil, handoverRequested: Bool = false, usage: TokenUsage? = nil) {
        self.result = result
        self.reply = reply
        self.handoverRequested = handoverRequested
        self.usage = usage
    }
}

/// Tokens in and out of a language-model call.
public struct TokenUsage: Sendable, Hashable {
    public var input: Int
    public var output: Int

    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
    }
}

/// Something that understands customer messages and may write the reply: the built-in engine, a Rasa
/// server, a language model.
public protocol BotEngine: Sendable {
    /// The engine's kind, for logs, metrics and the `engine` annotation.
    var kind: BotEngineKind { get }
    /// Whether the engine reads ``BotTurn/history`` (the handler reads the session only for those).
    var wantsHistory: Bool { get }
    /// Understands `turn`. Throws when the engine is unavailable or answered nonsense: the chain then asks
    /// the next engine.
    func answer(_ turn: BotTurn) async throws -> BotAnswer
}

/// An engine failed in a way the chain falls through on.
public struct BotEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why, in a small fixed vocabulary for metrics.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public static let timeout = Code(name: "timeout")
        public static let unavailable = Code(name: "unavailable")
        public static let circuitOpen = Code(name: "circuit_open")
        public static let badAnswer = Code(name: "bad_answer")
        public static let rejected = Code(name: "rejected")
        public static let notConfigured = Code(name: "not_configured")
        public var description: String { name }
    }

    public var code: Code
    /// A short explanation without message content or secrets.
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}

/// The built-in engine as a ``BotEngine``: classification from the tenant's trained model.
public struct BuiltInBotEngine: BotEngine {
    let engine: any NLPEngine

    public init(_ engine: any NLPEngine) {
        self.engine = engine
    }

    public var kind: BotEngineKind { .builtin }
    public var wantsHistory: Bool { false }

    public func answer(_ turn: BotTurn) async throws -> BotAnswer {
        do {
            return BotAnswer(result: try await engine.classify(text: turn.text, tenantId: turn.tenantId))
        } catch let error as NLPError {
            throw BotEngineError(.notConfigured, error.description)
        }
    }
}
