/// A tenant's OpenAI-compatible chat-completions endpoint (`bot.llm`). Its key, if it wants one, is the
/// tenant secret `LLM_API_KEY`, sent as a bearer token.
///
/// ```yaml
/// llm:
///   url: http://ollama:11434/v1        # /chat/completions is appended
///   model: llama3.1
///   system_prompt: "You are the assistant of Demo Shop. Answer briefly."
///   context_tokens: 1500
/// ```
public struct LLMSettings: Sendable, Hashable, Codable {
    /// Base URL of the API; `/chat/completions` is appended. Required.
    public var url: String
    /// The model name. Required.
    public var model: String
    /// The tenant's system prompt. Default: a short neutral one.
    public var systemPrompt: String
    /// Most input tokens per call: system prompt, the session's recent messages, the message. Default 2000.
    public var contextTokens: Int
    /// Most tokens of the model's answer (`max_tokens`). Default 300.
    public var maxTokens: Int
    /// Sampling temperature. Default 0.2.
    public var temperature: Double
    /// The tokenizer estimate: characters per token. Default 4 (English text with GPT- and Llama-style
    /// tokenizers); lower it for languages whose words split into more tokens.
    public var charactersPerToken: Double
    /// Most earlier messages of the session read as context. Default 20.
    public var historyMessages: Int
    /// JSON-mode classification: the model picks one of ``intents`` and the reply comes from the tenant's
    /// templates or actions. Default false: the model writes the reply.
    public var classify: Bool
    /// The intents the model classifies into (with ``classify``).
    public var intents: [String]
    /// Text with which the model asks for a person, besides the `handover_to_human` tool. Default `[HANDOVER]`.
    public var handoverMarker: String
    /// Whether the request offers the `handover_to_human` tool (some local servers reject tools). Default true.
    public var handoverTool: Bool
    /// Attempts after the first on 429, 5xx and transport failures, within the engine timeout. Default 1.
    public var retries: Int
    /// Answers kept, keyed by the whole prompt. Default 1000; 0 turns the cache off.
    public var cacheEntries: Int
    /// Price of one input token, in the tenant's currency, for the cost metric. Default 0.
    public var pricePerInputToken: Double
    /// Price of one output token. Default 0.
    public var pricePerOutputToken: Double
    /// Whether replies to web chat messages are streamed (`"stream": true`), so the visitor sees the reply
    /// being written (`reply_delta` events) before it is complete. Default true; JSON-mode classification is
    /// never streamed, and other channels always get the whole answer at once.
    public var stream: Bool

    public static let defaultSystemPrompt =
        "You are a helpful customer service assistant. Answer briefly and politely."

    public init(
        url: String, model: String, systemPrompt: String = LLMSettings.defaultSystemPrompt, contextTokens: Int = 2000,
        maxTokens: Int = 300, temperature: Double = 0.2, charactersPerToken: Double = 4, historyMessages: Int = 20,
        classify: Bool = false, intents: [String] = [], handoverMarker: String = "[HANDOVER]",
        handoverTool: Bool = true, retries: Int = 1, cacheEntries: Int = 1000, pricePerInputToken: Double = 0,
        pricePerOutputToken: Double = 0, stream: Bool = true
    ) {
        self.url = url
        self.model = model
        self.systemPrompt = systemPrompt
        self.contextTokens = contextTokens
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.charactersPerToken = charactersPerToken
        self.historyMessages = historyMessages
        self.classify = classify
        self.intents = intents
        self.handoverMarker = handoverMarker
        self.handoverTool = handoverTool
        self.retries = retries
        self.cacheEntries = cacheEntries
        self.pricePerInputToken = pricePerInputToken
        self.pricePerOutputToken = pricePerOutputToken
        self.stream = stream
    }

    func validate(tenant: String) throws(TenantConfigurationError) {
        let prefix = "tenant '\(tenant)': bot.llm"
        guard !model.isEmpty else { throw TenantConfigurationError("\(prefix).model must not be empty") }
        guard (100...1_000_000).contains(contextTokens) else {
            throw TenantConfigurationError("\(prefix).context_tokens must be 100 to 1000000")
        }
        guard (1...100_000).contains(maxTokens) else {
            throw TenantConfigurationError("\(prefix).max_tokens must be 1 to 100000")
        }
        guard (0...2).contains(temperature) else {
            throw TenantConfigurationError("\(prefix).temperature must be 0 to 2")
        }
        guard charactersPerToken >= 0.5, charactersPerToken <= 16 else {
            throw TenantConfigurationError("\(prefix).characters_per_token must be 0.5 to 16")
        }
        guard (0...200).contains(historyMessages) else {
            throw TenantConfigurationError("\(prefix).history_messages must be 0 to 200")
        }
        guard !classify || !intents.isEmpty else {
            throw TenantConfigurationError("\(prefix).classify needs bot.llm.intents to classify into")
        }
        guard (0...5).contains(retries) else { throw TenantConfigurationError("\(prefix).retries must be 0 to 5") }
        guard (0...1_000_000).contains(cacheEntries) else {
            throw TenantConfigurationError("\(prefix).cache_entries must be 0 to 1000000")
        }
        guard pricePerInputToken >= 0, pricePerOutputToken >= 0, pricePerInputToken.isFinite,
            pricePerOutputToken.isFinite
        else { throw TenantConfigurationError("\(prefix): prices must be zero or positive") }
    }

    enum CodingKeys: String, CodingKey {
        case url, model, temperature, classify, intents, retries, stream
        case systemPrompt = "system_prompt"
        case contextTokens = "context_tokens"
        case maxTokens = "max_tokens"
        case charactersPerToken = "characters_per_token"
        case historyMessages = "history_messages"
        case handoverMarker = "handover_marker"
        case handoverTool = "handover_tool"
        case cacheEntries = "cache_entries"
        case pricePerInputToken = "price_per_input_token"
        case pricePerOutputToken = "price_per_output_token"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LLMSettings(url: "", model: "")
        url = try c.decode(String.self, forKey: .url)
        model = try c.decode(String.self, forKey: .model)
        systemPrompt = try c.decodeIfPresent(String.self, forKey: .systemPrompt) ?? defaults.systemPrompt
        contextTokens = try c.decodeIfPresent(Int.self, forKey: .contextTokens) ?? defaults.contextTokens
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? defaults.maxTokens
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? defaults.temperature
        charactersPerToken =
            try c.decodeIfPresent(Double.self, forKey: .charactersPerToken) ?? defaults.charactersPerToken
        historyMessages = try c.decodeIfPresent(Int.self, forKey: .historyMessages) ?? defaults.historyMessages
        classify = try c.decodeIfPresent(Bool.self, forKey: .classify) ?? false
        intents = try c.decodeIfPresent([String].self, forKey: .intents) ?? []
        handoverMarker = try c.decodeIfPresent(String.self, forKey: .handoverMarker) ?? defaults.handoverMarker
        handoverTool = try c.decodeIfPresent(Bool.self, forKey: .handoverTool) ?? true
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? defaults.retries
        cacheEntries = try c.decodeIfPresent(Int.self, forKey: .cacheEntries) ?? defaults.cacheEntries
        pricePerInputToken = try c.decodeIfPresent(Double.self, forKey: .pricePerInputToken) ?? 0
        pricePerOutputToken = try c.decodeIfPresent(Double.self, forKey: .pricePerOutputToken) ?? 0
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream) ?? true
    }
}
