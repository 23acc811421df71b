internal import Crypto
import Foundation
public import Logging
public import SwitchboardCore
import Synchronization

/// Keeps nlp-plugin's built-in models in step with the tenants' model and training files.
///
/// ``loadAll()`` loads or trains every tenant's model at start and fails on the first bad file. Each
/// ``check()`` then compares every file's stamp (modification time, size, inode) with the last one seen,
/// reads a file whose stamp moved, and loads or trains it when its SHA-256 differs from the contents last
/// tried. A new model replaces the old one in the engine at once; a file that cannot be read, parsed or
/// trained is logged and the old model stays, until the file changes again.
public final class NLPModelReloader: Sendable {
    /// What one check did for a tenant whose file changed.
    public enum Outcome: Sendable, Hashable {
        /// The tenant's new model is in use; the SHA-256 of the file it came from.
        case reloaded(tenantId: String, sha256: String)
        /// The file changed but gave no model; the previous one stays.
        case kept(tenantId: String, reason: String)
    }

    /// What was last seen of a tenant's file.
    struct Seen: Sendable, Hashable {
        var stamp: NLPModelFiles.FileStamp?
        /// SHA-256 of the contents last loaded or tried.
        var sha256: String?
    }

    /// The engine whose models this reloader replaces.
    public let engine: BuiltInNLPEngine
    let sources: [NLPModelSource]
    let files: NLPModelFiles
    let logger: Logger
    private let seen: Mutex<[String: Seen]>

    /// Creates a reloader of `sources` into a new, empty engine; call ``loadAll()`` before use.
    public init(sources: [NLPModelSource], files: NLPModelFiles = .disk, logger: Logger) {
        self.engine = BuiltInNLPEngine(models: [:])
        self.sources = sources
        self.files = files
        self.logger = logger
        self.seen = Mutex([:])
    }

    /// Loads or trains every tenant's model; throws the first failure, naming the tenant and the file.
    public func loadAll() throws(TenantConfigurationError) {
        for source in sources {
            guard let url = source.url else {
                engine.install(try source.model(from: Data()), forTenant: source.tenantId)
                continue
            }
            let stamp = files.stamp(url)
            let contents: Data
            do {
                contents = try files.read(url)
            } catch {
                throw TenantConfigurationError(
                    "tenant '\(source.tenantId)': cannot read \(source.kind.rawValue) \(url.path)")
            }
            engine.install(try source.model(from: contents), forTenant: source.tenantId)
            let digest = Self.sha256(contents)
            seen.withLock { $0[source.tenantId] = Seen(stamp: stamp, sha256: digest) }
            logger.info(
                "NLP model ready",
                metadata: [
                    "tenant": "\(source.tenantId)", "source": "\(source.kind.rawValue)", "file": "\(url.path)",
                    "sha256": "\(digest)",
                ])
        }
    }

    /// Reloads the models whose files changed since they were last seen; returns what it did, nothing
    /// when no file changed. Loading and training run on the calling thread.
    @discardableResult
    public func check() -> [Outcome] {
        var outcomes: [Outcome] = []
        for source in sources {
            guard let url = source.url else { continue }
            if let outcome = check(source, url: url) { outcomes.append(outcome) }
        }
        return outcomes
    }

    private func check(_ source: NLPModelSource, url: URL) -> Outcome? {
        let tenant = source.tenantId
        let last = seen.withLock { $0[tenant] } ?? Seen()
        let stamp = files.stamp(url)
        guard stamp != last.stamp else { return nil }
        seen.withLock { $0[tenant, default: Seen()].stamp = stamp }
        guard stamp != nil else {
            return kept(source, url: url, reason: "the file is gone")
        }
        let contents: Data
        do {
            contents = try files.read(url)
        } catch {
            return kept(source, url: url, reason: "cannot read the file")
        }
        let digest = Self.sha256(contents)
        guard digest != last.sha256 else { return nil }
        seen.withLock { $0[tenant, default: Seen()].sha256 = digest }
        let model: NLUModel
        do {
            model = try source.model(from: contents)
        } catch {
            return kept(source, url: url, reason: error.description)
        }
        engine.install(model, forTenant: tenant)
        logger.info(
            "NLP model reloaded",
            metadata: [
                "tenant": "\(tenant)", "source": "\(source.kind.rawValue)", "file": "\(url.path)",
                "sha256": "\(digest)",
            ])
        return .reloaded(tenantId: tenant, sha256: digest)
    }

    private func kept(_ source: NLPModelSource, url: URL, reason: String) -> Outcome {
        logger.error(
            "NLP model not reloaded; the previous model stays",
            metadata: [
                "tenant": "\(source.tenantId)", "source": "\(source.kind.rawValue)", "file": "\(url.path)",
                "reason": "\(reason)",
            ])
        return .kept(tenantId: source.tenantId, reason: reason)
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
