/// Which engine understands a tenant's messages: the `engine` and `fallback` values of the tenants file.
public struct BotEngineKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire value.
    public var rawValue: String

    /// Creates a kind from its wire value; ``TenantBotSettings/validate(tenant:)`` refuses unknown ones.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The built-in engine (the tenant's trained model).
    public static let builtin = BotEngineKind(rawValue: "builtin")
    /// A Rasa server's `POST /model/parse`.
    public static let rasa = BotEngineKind(rawValue: "rasa")
    /// An OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp's server).
    public static let llm = BotEngineKind(rawValue: "llm")

    /// Every kind there is.
    public static let all: [BotEngineKind] = [.builtin, .rasa, .llm]

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
