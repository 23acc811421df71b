public import SwitchboardCore
public import SwitchboardRuntime

extension BotServices {
    /// Whether any tenant needs the database: a language model reading the session's history, or forms.
    public static func needsDatabase(_ tenants: TenantDirectory) -> Bool {
        tenants.tenants.contains { tenant in
            (tenant.bot.chain.contains(.llm) && (tenant.bot.llm?.historyMessages ?? 0) > 0) || !tenant.bot.forms.isEmpty
        }
    }

    /// ``needsDatabase(_:)``, or a tenant's bot may offer options a customer answers with a number (on SMS):
    /// `offersChoices` says whether the tenant's templates have buttons, and an intent action that calls a
    /// URL may answer with buttons. Without the database such an answer is understood as the text it is.
    public static func needsDatabase(_ tenants: TenantDirectory, offersChoices: (String) -> Bool) -> Bool {
        needsDatabase(tenants)
            || tenants.tenants.contains { tenant in
                offersChoices(tenant.id) || tenant.bot.actions.values.contains { $0.url != nil }
            }
    }

    /// Each tenant's chain as its `bot:` settings name it, with endpoint keys from the tenant secrets.
    ///
    /// Throws for a tenant whose actions call a URL without the `ACTION_SECRET` to sign them. Language models
    /// stream web chat replies' previews to `deltas`, when given. Numbered answers find their options in
    /// `choices`, when given.
    public static func build(
        environment: DaemonEnvironment, builtIn: any NLPEngine, transport: any BotHTTPTransport,
        history: (any SessionHistory)?, forms: (any FormStoring)? = nil, metrics: BotMetrics = BotMetrics(),
        deltas: (any ReplyDeltaSink)? = nil, senderActions: (any SenderActionSink)? = nil,
        choices: (any ChoiceHistory)? = nil
    ) throws(SettingsError) -> BotServices {
        let permits = TenantPermits()
        let breaker = CircuitBreaker(failureThreshold: 5, coolDown: .seconds(30))
        var chains: [String: EngineChain] = [:]
        var anyActions = false
        for tenant in environment.tenants.tenants {
            let bot = tenant.bot
            let timeout = Duration.milliseconds(bot.timeoutMilliseconds)
            let engines: [any BotEngine] = bot.chain.compactMap { kind in
                switch kind {
                case .rasa:
                    guard let rasa = bot.rasa else { return nil }
                    return RasaEngine(
                        settings: rasa, token: environment.secrets.credential("RASA_TOKEN", tenantId: tenant.id),
                        transport: transport, breaker: breaker, attemptTimeout: timeout)
                case .llm:
                    guard let llm = bot.llm else { return nil }
                    return LLMEngine(
                        tenantId: tenant.id, settings: llm, handoverIntent: tenant.nlp.handoverIntent,
                        apiKey: environment.secrets.credential("LLM_API_KEY", tenantId: tenant.id),
                        transport: transport, breaker: breaker, metrics: metrics, attemptTimeout: timeout,
                        deltas: deltas)
                default:
                    return BuiltInBotEngine(builtIn)
                }
            }
            chains[tenant.id] = EngineChain(
                tenantId: tenant.id, engines: engines, timeout: timeout, maxConcurrent: bot.maxConcurrent,
                permits: permits, metrics: metrics)
            let calls = bot.actions.values.contains { $0.url != nil }
            if calls, environment.secrets.credential(IntentActions.secretName, tenantId: tenant.id) == nil {
                throw SettingsError(
                    reason:
                        "tenant '\(tenant.id)' has intent actions but no \(IntentActions.secretName) to sign them:"
                        + " set \(TenantSecrets.variableStem(for: tenant.id))_\(IntentActions.secretName)")
            }
            anyActions = anyActions || !bot.actions.isEmpty
        }
        return BotServices(
            chains: chains, history: history,
            actions: anyActions
                ? IntentActions(transport: transport, secrets: environment.secrets, metrics: metrics) : nil,
            forms: forms, senderActions: senderActions, choices: choices)
    }
}
