public import Logging
public import SwitchboardCore

/// The built-in NLP engine of nlp-plugin, from the tenants' settings.
public enum NLPModels {
    /// Each tenant's model source: its `nlp.model_file` or `nlp.training_file` (relative to the tenants
    /// file), or the demo training data when it names neither.
    public static func sources(for environment: DaemonEnvironment) -> [NLPModelSource] {
        environment.tenants.tenants.map { NLPModelSource(tenant: $0, directory: environment.tenantsDirectory) }
    }

    /// A reloader with every tenant's model loaded or trained; throws the first file that gives no model.
    public static func reloader(
        for environment: DaemonEnvironment, files: NLPModelFiles = .disk, logger: Logger
    ) throws(TenantConfigurationError) -> NLPModelReloader {
        let reloader = NLPModelReloader(sources: sources(for: environment), files: files, logger: logger)
        try reloader.loadAll()
        return reloader
    }

    /// An engine with every tenant's model, loaded or trained once (no watching).
    public static func builtInEngine(
        for environment: DaemonEnvironment, files: NLPModelFiles = .disk
    ) throws(TenantConfigurationError) -> BuiltInNLPEngine {
        let quiet = Logger(label: "switchboard.nlp", factory: { _ in SwiftLogNoOpLogHandler() })
        return try reloader(for: environment, files: files, logger: quiet).engine
    }
}
