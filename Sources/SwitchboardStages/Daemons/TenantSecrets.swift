public import Foundation
import SwitchboardCore

/// Per-tenant secrets, read from the environment only: never from code, never logged.
///
/// `SWITCHBOARD_TENANT_<ID>_API_KEY` authenticates the web chat API, `SWITCHBOARD_TENANT_<ID>_AGENT_KEY` the
/// agent API, where `<ID>` is the tenant id upper-cased with every character other than A-Z and 0-9 as `_`.
public struct TenantSecrets: Sendable {
    private let apiKeys: [String: [UInt8]]
    private let agentKeys: [String: [UInt8]]
    private let credentials: [String: [String: String]]

    public init(tenantIds: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        var apiKeys: [String: [UInt8]] = [:]
        var agentKeys: [String: [UInt8]] = [:]
        var credentials: [String: [String: String]] = [:]
        for id in tenantIds {
            let name = Self.variableStem(for: id)
            if let key = environment["\(name)_API_KEY"], !key.isEmpty { apiKeys[id] = Array(key.utf8) }
            if let key = environment["\(name)_AGENT_KEY"], !key.isEmpty { agentKeys[id] = Array(key.utf8) }
            for (variable, value) in environment where variable.hasPrefix(name + "_") && !value.isEmpty {
                credentials[id, default: [:]][String(variable.dropFirst(name.count + 1))] = value
            }
        }
        self.apiKeys = apiKeys
        self.agentKeys = agentKeys
        self.credentials = credentials
    }

    /// A channel credential of the tenant, e.g. `credential("WHATSAPP_APP_SECRET", tenantId: "demo")` reads
    /// `SWITCHBOARD_TENANT_DEMO_WHATSAPP_APP_SECRET`. Nil when not configured.
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
