import Foundation
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
    ///
    /// Training takes seconds of CPU, so it runs on a thread of its own: on Swift's shared pool (as wide as
    /// the machine has cores) it would hold a pool thread, and every other caller waiting for the demo model
    /// trained once per process would hold another, stalling every task of the process meanwhile.
    public static func reloader(
        for environment: DaemonEnvironment, files: NLPModelFiles = .disk, logger: Logger
    ) async throws(TenantConfigurationError) -> NLPModelReloader {
        let reloader = NLPModelReloader(sources: sources(for: environment), files: files, logger: logger)
        try await onOwnThread { () throws(TenantConfigurationError) in try reloader.loadAll() }
        return reloader
    }

    /// An engine with every tenant's model, loaded or trained once (no watching).
    public static func builtInEngine(
        for environment: DaemonEnvironment, files: NLPModelFiles = .disk
    ) async throws(TenantConfigurationError) -> BuiltInNLPEngine {
        let quiet = Logger(label: "switchboard.nlp", factory: { _ in SwiftLogNoOpLogHandler() })
        return try await reloader(for: environment, files: files, logger: quiet).engine
    }

    /// Runs `body` on a new thread, outside Swift's concurrency pool, and returns what it returns.
    static func onOwnThread<T: Sendable>(
        _ body: @escaping @Sendable () throws(TenantConfigurationError) -> T
    ) async throws(TenantConfigurationError) -> T {
        typealias Outcome = Result<T, TenantConfigurationError>
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let thread = Thread { continuation.resume(returning: Result(catching: body)) }
            thread.name = "switchboard.nlp.train"
            thread.start()
        }
        return try result.get()
    }
}
