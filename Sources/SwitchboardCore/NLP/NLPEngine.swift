/// Something that understands customer messages: the built-in engine or an external one (e.g. a
/// Rasa server behind an adapter).
public protocol NLPEngine: Sendable {
    /// Classifies `text` for `tenantId`.
    func classify(text: String, tenantId: String) async throws -> NLPResult
}

/// Errors of the built-in engine.
public enum NLPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No model was trained for the tenant.
    case unknownTenant(String)

    public var description: String {
        switch self {
        case .unknownTenant(let id): "no NLP model for tenant '\(id)'"
        }
    }
}
