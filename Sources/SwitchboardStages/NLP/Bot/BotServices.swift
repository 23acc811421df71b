public import SwitchboardCore

/// What nlp-plugin's handler needs besides the tenants: each tenant's engine chain, the session history
/// for engines that want context and for numbered answers, and the intent actions.
public struct BotServices: Sendable {
    /// Engine chains by tenant id.
    public var chains: [String: EngineChain]
    /// Earlier messages of a session; nil when no tenant's chain wants them (the daemon has no database).
    public var history: (any SessionHistory)?
    /// Intent actions; nil when no tenant has any.
    public var actions: IntentActions?
    /// Where forms keep their state (the session records); nil when no tenant has forms.
    public var forms: (any FormStoring)?
    /// Where typing indicators shown before a slow engine answers go at once; nil: none are shown early.
    public var senderActions: (any SenderActionSink)?
    /// The choice a numbered answer ("2") picks from; nil without the database, and then such an answer is
    /// understood as the text it is.
    public var choices: (any ChoiceHistory)?

    public init(
        chains: [String: EngineChain], history: (any SessionHistory)? = nil, actions: IntentActions? = nil,
        forms: (any FormStoring)? = nil, senderActions: (any SenderActionSink)? = nil,
        choices: (any ChoiceHistory)? = nil
    ) {
        self.senderActions = senderActions
        self.choices = choices
        self.chains = chains
        self.history = history
        self.actions = actions
        self.forms = forms
    }

    /// The built-in engine for every tenant of `tenants`, nothing else.
    public static func builtInOnly(_ engine: any NLPEngine, tenants: TenantDirectory) -> BotServices {
        let permits = TenantPermits()
        let metrics = BotMetrics()
        var chains: [String: EngineChain] = [:]
        for tenant in tenants.tenants {
            chains[tenant.id] = EngineChain(
                tenantId: tenant.id, engines: [BuiltInBotEngine(engine)],
                timeout: .milliseconds(tenant.bot.timeoutMilliseconds), maxConcurrent: tenant.bot.maxConcurrent,
                permits: permits, metrics: metrics)
        }
        return BotServices(chains: chains)
    }
}
