public import Foundation
public import SwitchboardCore

/// Where a tenant's built-in model comes from: a model file to load, training data to train from, or the
/// demo training data when the tenant names neither.
public struct NLPModelSource: Sendable, Hashable {
    /// The kind of file.
    public enum Kind: String, Sendable, Hashable {
        /// A model file written by `switchboard nlu train` (`nlp.model_file`).
        case modelFile = "model file"
        /// Training data, YAML or JSON (`nlp.training_file`).
        case trainingFile = "training file"
        /// ``DemoTrainingData``; nothing to watch.
        case demo = "demo training data"
    }

    /// The tenant.
    public var tenantId: String
    /// The kind of file.
    public var kind: Kind
    /// The file, nil for the demo data.
    public var url: URL?
    /// The tenant's `nlp.embeddings` for training data (nil: automatic).
    public var embeddings: Bool?

    /// Creates a source.
    public init(tenantId: String, kind: Kind, url: URL?, embeddings: Bool? = nil) {
        self.tenantId = tenantId
        self.kind = kind
        self.url = url
        self.embeddings = embeddings
    }

    /// The source a tenant's settings name; relative paths are resolved from `directory` (the tenants
    /// file's).
    public init(tenant: TenantConfiguration, directory: URL) {
        func resolved(_ path: String) -> URL {
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
        }
        if let path = tenant.nlp.modelFile {
            self.init(tenantId: tenant.id, kind: .modelFile, url: resolved(path))
        } else if let path = tenant.nlp.trainingFile {
            self.init(tenantId: tenant.id, kind: .trainingFile, url: resolved(path), embeddings: tenant.nlp.embeddings)
        } else {
            self.init(tenantId: tenant.id, kind: .demo, url: nil)
        }
    }

    /// The model `contents` (the file's bytes, ignored for the demo data) describe: loaded or trained.
    ///
    /// The error names the tenant and the file, and says what is wrong (a damaged model file, one of
    /// another format version, training data that does not parse).
    public func model(from contents: Data) throws(TenantConfigurationError) -> NLUModel {
        let prefix = "tenant '\(tenantId)': \(kind.rawValue) \(url?.path ?? "")"
        switch kind {
        case .demo:
            return try DemoTrainingData.model()
        case .modelFile:
            do {
                return try NLUModel(serialized: contents)
            } catch {
                throw TenantConfigurationError(
                    "\(prefix): \(error); train it again with `switchboard nlu train` of this version")
            }
        case .trainingFile:
            do {
                return try NLUModel(training: NLUTrainingData.parse(data: contents), embeddings: embeddings)
            } catch {
                throw TenantConfigurationError("\(prefix): \(error)")
            }
        }
    }
}
