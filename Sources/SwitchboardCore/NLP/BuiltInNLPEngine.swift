/// The NLP engine that needs no network: one ``NLUModel`` per tenant, trained at start-up.
public struct BuiltInNLPEngine: NLPEngine {
    private let models: [String: NLUModel]

    /// Creates an engine from trained models keyed by tenant id.
    public init(models: [String: NLUModel]) {
        self.models = models
    }

    /// Classifies `text` with the tenant's model.
    public func classify(text: String, tenantId: String) throws(NLPError) -> NLPResult {
        guard let model = models[tenantId] else { throw .unknownTenant(tenantId) }
        return model.classify(text)
    }

    /// The tenant's reply templates, nil for an unknown tenant.
    public func templates(forTenant tenantId: String) -> ResponseTemplates? {
        models[tenantId]?.templates
    }
}
