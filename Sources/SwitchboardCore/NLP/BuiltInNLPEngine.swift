import Synchronization

/// The NLP engine that needs no network: one ``NLUModel`` per tenant.
///
/// A tenant's model can be replaced while messages are classified (a changed training or model file, see
/// nlp-plugin's model watcher): the table sits behind a lock held only to look a model up or swap one, so a
/// message is classified wholly by the old model or wholly by the new one.
public final class BuiltInNLPEngine: NLPEngine, Sendable {
    private let models: Mutex<[String: NLUModel]>

    /// Creates an engine from trained models keyed by tenant id.
    public init(models: [String: NLUModel]) {
        self.models = Mutex(models)
    }

    /// Classifies `text` with the tenant's model.
    public func classify(text: String, tenantId: String) throws(NLPError) -> NLPResult {
        guard let model = model(forTenant: tenantId) else { throw .unknownTenant(tenantId) }
        return model.classify(text)
    }

    /// The tenant's reply templates, nil for an unknown tenant.
    public func templates(forTenant tenantId: String) -> ResponseTemplates? {
        model(forTenant: tenantId)?.templates
    }

    /// The tenant's current model.
    public func model(forTenant tenantId: String) -> NLUModel? {
        models.withLock { $0[tenantId] }
    }

    /// Makes `model` the tenant's model for every message classified from now on.
    public func install(_ model: NLUModel, forTenant tenantId: String) {
        models.withLock { $0[tenantId] = model }
    }
}
