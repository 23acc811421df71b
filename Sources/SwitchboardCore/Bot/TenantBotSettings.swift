/// How a tenant's bot answers (`bot:` in the tenants file): the engine, its fallbacks, their endpoints,
/// intent actions and forms. Endpoint keys are tenant secrets (`LLM_API_KEY`, `RASA_TOKEN`,
/// `ACTION_SECRET`), never here.
///
/// ```yaml
/// bot:
///   engine: llm                 # builtin (default) | rasa | llm
///   fallback: [builtin]         # tried in order when the engine fails or times out; then a hand-over
///   timeout_ms: 8000
///   max_concurrent: 4
///   llm: { url: "http://ollama:11434/v1", model: llama3.1 }
/// ```
public struct TenantBotSettings: Sendable, Hashable, Codable {
    /// The first engine asked. Default `builtin`.
    public var engine: BotEngineKind
    /// Engines asked in order when the one before failed, timed out or was unavailable; after the last one
    /// the conversation goes to a person. Default none.
    public var fallback: [BotEngineKind]
    /// Most time one engine may take, retries and waiting for a slot included, in milliseconds. Default 8000.
    public var timeoutMilliseconds: Int
    /// Most engine calls of this tenant in flight at once in one nlp-plugin. Default 4.
    public var maxConcurrent: Int
    /// Said when an intent action fails. Default: an apology.
    public var fallbackReply: String
    /// Rasa's endpoint, for `rasa`.
    public var rasa: RasaSettings?
    /// The chat-completions endpoint, for `llm`.
    public var llm: LLMSettings?
    /// Intent actions by intent name.
    public var actions: [String: IntentActionSettings]
    /// Forms by name.
    public var forms: [String: FormDefinition]

    public static let defaultFallbackReply =
        "Sorry, I cannot look that up right now. Please try again in a little while."

    public init(
        engine: BotEngineKind = .builtin, fallback: [BotEngineKind] = [], timeoutMilliseconds: Int = 8000,
        maxConcurrent: Int = 4, fallbackReply: String = TenantBotSettings.defaultFallbackReply,
        rasa: RasaSettings? = nil, llm: LLMSettings? = nil, actions: [String: IntentActionSettings] = [:],
        forms: [String: FormDefinition] = [:]
    ) {
        self.engine = engine
        self.fallback = fallback
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxConcurrent = maxConcurrent
        self.fallbackReply = fallbackReply
        self.rasa = rasa
        self.llm = llm
        self.actions = actions
        self.forms = forms
    }

    /// The engines in the order they are asked, each once.
    public var chain: [BotEngineKind] {
        var seen: Set<BotEngineKind> = []
        return ([engine] + fallback).filter { seen.insert($0).inserted }
    }

    /// Checks what a decoder cannot: known engines with their endpoints, sane bounds, forms that name
    /// existing actions.
    public func validate(tenant: String) throws(TenantConfigurationError) {
        for kind in chain {
            guard BotEngineKind.all.contains(kind) else {
                throw TenantConfigurationError(
                    "tenant '\(tenant)': bot engine '\(kind)' is unknown (builtin, rasa or llm)")
            }
        }
        if chain.contains(.rasa) {
            guard let rasa, Self.isHTTP(rasa.url) else {
                throw TenantConfigurationError("tenant '\(tenant)': engine rasa needs bot.rasa.url (http or https)")
            }
        }
        if chain.contains(.llm) {
            guard let llm, Self.isHTTP(llm.url) else {
                throw TenantConfigurationError("tenant '\(tenant)': engine llm needs bot.llm.url (http or https)")
            }
            try llm.validate(tenant: tenant)
        }
        guard (1...600_000).contains(timeoutMilliseconds) else {
            throw TenantConfigurationError("tenant '\(tenant)': bot.timeout_ms must be 1 to 600000")
        }
        guard (1...1000).contains(maxConcurrent) else {
            throw TenantConfigurationError("tenant '\(tenant)': bot.max_concurrent must be 1 to 1000")
        }
        guard !fallbackReply.isEmpty else {
            throw TenantConfigurationError("tenant '\(tenant)': bot.fallback_reply must not be empty")
        }
        for (name, action) in actions.sorted(by: { $0.key < $1.key }) {
            try action.validate(tenant: tenant, name: name)
        }
        for (name, form) in forms.sorted(by: { $0.key < $1.key }) {
            try form.validate(tenant: tenant, name: name, actions: actions)
        }
    }

    private static func isHTTP(_ url: String) -> Bool {
        url.hasPrefix("http://") || url.hasPrefix("https://")
    }

    enum CodingKeys: String, CodingKey {
        case engine, fallback, rasa, llm, actions, forms
        case timeoutMilliseconds = "timeout_ms"
        case maxConcurrent = "max_concurrent"
        case fallbackReply = "fallback_reply"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        engine = try c.decodeIfPresent(BotEngineKind.self, forKey: .engine) ?? .builtin
        fallback = try c.decodeIfPresent([BotEngineKind].self, forKey: .fallback) ?? []
        timeoutMilliseconds = try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? 8000
        maxConcurrent = try c.decodeIfPresent(Int.self, forKey: .maxConcurrent) ?? 4
        fallbackReply = try c.decodeIfPresent(String.self, forKey: .fallbackReply) ?? Self.defaultFallbackReply
        rasa = try c.decodeIfPresent(RasaSettings.self, forKey: .rasa)
        llm = try c.decodeIfPresent(LLMSettings.self, forKey: .llm)
        actions = try c.decodeIfPresent([String: IntentActionSettings].self, forKey: .actions) ?? [:]
        forms = try c.decodeIfPresent([String: FormDefinition].self, forKey: .forms) ?? [:]
    }
}
