public import Foundation
import SwitchboardCore
public import SwitchboardRuntime

/// Per-tenant secrets, from configuration only: never from code, never logged.
///
/// `SWITCHBOARD_TENANT_<ID>_API_KEY` authenticates the web chat API, `SWITCHBOARD_TENANT_<ID>_AGENT_KEY` the
/// agent API, where `<ID>` is the tenant id upper-cased with every character other than A-Z and 0-9 as `_`;
/// channel credentials follow the same pattern (`…_WHATSAPP_APP_SECRET`). The same values can come from the
/// tenant secrets file (``TenantSecretsFile``, `SWITCHBOARD_TENANT_SECRETS_FILE`); a variable that is set
/// wins over the file.
public struct TenantSecrets: Sendable {
    /// The variable naming the tenant secrets file.
    public static let fileVariable = "SWITCHBOARD_TENANT_SECRETS_FILE"

    let apiKeys: [String: [UInt8]]
    let agentKeys: [String: [UInt8]]
    private let credentials: [String: [String: String]]

    /// Secrets from `environment`, over those of an already parsed secrets file (tenant id → name → value).
    public init(
        tenantIds: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        file: [String: [String: String]] = [:]
    ) {
        var apiKeys: [String: [UInt8]] = [:]
        var agentKeys: [String: [UInt8]] = [:]
        var credentials: [String: [String: String]] = [:]
        for id in tenantIds {
            var values = file[id] ?? [:]
            let name = Self.variableStem(for: id)
            for (variable, value) in environment where variable.hasPrefix(name + "_") && !value.isEmpty {
                values[String(variable.dropFirst(name.count + 1))] = value
            }
            if let key = values["API_KEY"] { apiKeys[id] = Array(key.utf8) }
            if let key = values["AGENT_KEY"] { agentKeys[id] = Array(key.utf8) }
            if !values.isEmpty { credentials[id] = values }
        }
        self.apiKeys = apiKeys
        self.agentKeys = agentKeys
        self.credentials = credentials
    }

    /// Secrets from `environment` and, when `SWITCHBOARD_TENANT_SECRETS_FILE` names one, the tenant
    /// secrets file. Throws one line naming the file and what is wrong (never a value). A daemon knows every
    /// tenant and refuses a file naming another; a tool reading one tenant's secrets passes
    /// `otherTenantsAllowed`. Refuses secrets that could stand for two things (``validate(tenantIds:apiKeys:agentKeys:)``).
    public static func load(
        tenantIds: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        otherTenantsAllowed: Bool = false
    ) throws(SettingsError) -> TenantSecrets {
        var file: [String: [String: String]] = [:]
        if let path = environment[fileVariable], !path.isEmpty {
            let text = try SettingsError.readFile(path, what: "tenant secrets file", variable: fileVariable)
            do {
                file = try TenantSecretsFile.parse(text, knownTenants: otherTenantsAllowed ? nil : Set(tenantIds))
            } catch {
                throw SettingsError(reason: "\(path): \(error.description)")
            }
        }
        let secrets = TenantSecrets(tenantIds: tenantIds, environment: environment, file: file)
        try validate(tenantIds: tenantIds, apiKeys: secrets.apiKeys, agentKeys: secrets.agentKeys)
        return secrets
    }

    /// A channel credential of the tenant, e.g. `credential("WHATSAPP_APP_SECRET", tenantId: "demo")` reads
    /// `SWITCHBOARD_TENANT_DEMO_WHATSAPP_APP_SECRET` (or `whatsapp_app_secret` under `demo` in the secrets
    /// file). Nil when not configured.
    public func credential(_ name: String, tenantId: String) -> String? {
        credentials[tenantId]?[name]
    }

    /// `SWITCHBOARD_TENANT_ACME_CORP` for `acme-corp`.
    public static func variableStem(for tenantId: String) -> String {
        let upper = tenantId.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" }
        return "SWITCHBOARD_TENANT_" + String(upper)
    }

    /// The tenant whose web chat API key this is, comparing every key in constant time.
    public func tenant(forAPIKey key: String) -> String? {
        Self.match(Array(key.utf8), in: apiKeys)
    }

    /// The tenant whose agent API key this is, comparing every key in constant time.
    public func tenant(forAgentKey key: String) -> String? {
        Self.match(Array(key.utf8), in: agentKeys)
    }

    private static func match(_ presented: [UInt8], in keys: [String: [UInt8]]) -> String? {
        guard !presented.isEmpty else { return nil }
        var found: String?
        // Every key is compared, so the time taken does not say which tenant (if any) nearly matched.
        for (tenant, key) in keys.sorted(by: { $0.key < $1.key }) where ConstantTime.equals(presented, key) {
            found = tenant
        }
        return found
    }
}
