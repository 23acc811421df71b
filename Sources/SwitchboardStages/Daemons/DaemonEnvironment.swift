public import Foundation
import Logging
public import Prometheus
public import SwitchboardCore
public import SwitchboardKafka
public import SwitchboardMongo
public import SwitchboardRuntime

/// Everything a daemon is configured with, read once at start-up and validated.
///
/// Tests build one in memory (`init(name:settings:kafka:mongo:tenants:secrets:)`); executables call
/// `fromProcess(name:defaultHTTPPort:)`.
public struct DaemonEnvironment: Sendable {
    public var name: String
    public var settings: SwitchboardSettings
    public var kafka: KafkaConfiguration
    public var mongo: MongoConfiguration
    public var tenants: TenantDirectory
    public var secrets: TenantSecrets
    /// Where relative paths in the tenants file (NLP training files) are resolved from.
    public var tenantsDirectory: URL
    /// The process environment, for daemon-specific settings.
    public var variables: [String: String]
    /// The registry `/metrics` serves: the process-wide one in a daemon, a private one in a test.
    public var metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()

    public init(
        name: String, settings: SwitchboardSettings, kafka: KafkaConfiguration, mongo: MongoConfiguration,
        tenants: TenantDirectory, secrets: TenantSecrets, tenantsDirectory: URL, variables: [String: String] = [:]
    ) {
        self.name = name
        self.settings = settings
        self.kafka = kafka
        self.mongo = mongo
        self.tenants = tenants
        self.secrets = secrets
        self.tenantsDirectory = tenantsDirectory
        self.variables = variables
    }

    /// Reads the environment and the tenants file; throws one clear error for the first bad value.
    public static func fromProcess(
        name: String, defaultHTTPPort: Int, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> DaemonEnvironment {
        let settings = try SwitchboardSettings(environment: environment, defaultHTTPPort: defaultHTTPPort)
        var kafka = try KafkaConfiguration(environment: environment)
        if environment["SWITCHBOARD_KAFKA_CLIENT_ID"] == nil { kafka.clientID = "switchboard-\(name)" }
        let mongo = try MongoConfiguration(environment: environment)
        try mongo.validate()
        let file = URL(fileURLWithPath: settings.tenantsFile)
        let text = try SettingsError.readFile(file.path, what: "tenants file", variable: "SWITCHBOARD_TENANTS_FILE")
        let tenants = try TenantDirectory(parsing: text)
        let secrets = try TenantSecrets.load(tenantIds: tenants.tenants.map(\.id), environment: environment)
        return DaemonEnvironment(
            name: name, settings: settings, kafka: kafka, mongo: mongo, tenants: tenants, secrets: secrets,
            tenantsDirectory: file.deletingLastPathComponent(), variables: environment)
    }

    /// The tenant's configuration, or a permanent failure (the record is dead-lettered) when unknown.
    public func tenant(_ id: String) throws -> TenantConfiguration {
        guard let tenant = tenants.tenant(id: id) else { throw StageFailure.permanent("unknown tenant '\(id)'") }
        return tenant
    }

    /// A daemon-specific duration setting in milliseconds, e.g. `SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS`.
    public func milliseconds(_ variable: String, default fallback: Duration) throws -> Duration {
        guard let text = variables[variable], !text.isEmpty else { return fallback }
        guard let value = Int(text), value >= 0 else {
            throw SettingsError(reason: "\(variable) must be a whole number of milliseconds")
        }
        return .milliseconds(value)
    }
}
