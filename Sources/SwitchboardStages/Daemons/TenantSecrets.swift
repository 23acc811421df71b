public import Foundation
import SwitchboardCore

/// Per-tenant secrets, read from the environment only: never from code, never logged.
///
/// `SWITCHBOARD_TENANT_<ID>_API_KEY` authenticates the web chat API, `SWITCHBOARD_TENANT_<ID>_AGENT_KEY` the
/// agent API, where `<ID>` is the tenant id upper-cased with every character other than A-Z and 0-9 as `_`.
public struct TenantSecrets: Sendable {
    private let apiKeys: [String: [UInt8]]
    private let agentKeys: [String: [UInt8]]

    public init(tenantIds: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        var apiKeys: [String: [UInt8]] = [:]
        var agentKeys: [String: [UInt8]] = [:]
        for id in tenantIds {
            let name = Self.variableStem(for: id)
            if let key = environment["\(name)_API_KEY"], !key.isEmpty { apiKeys[id] = Array(key.utf8) }
            if let key = environment["\(name)_AGENT_KEY"], !key.isEmpty { agentKeys[id] = Array(key.utf8) }
        }
        self.apiKeys = apiKeys
        self.agentKeys = agentKeys
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
