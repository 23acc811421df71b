import SwitchboardCore
import SwitchboardRuntime

extension TenantSecrets {
    /// Refuses configurations in which one secret could stand for two things. Each error names tenants and
    /// variables, never a value.
    ///
    /// - Two tenant ids with the same variable stem (`acme-corp` and `acme.corp` are both
    ///   `SWITCHBOARD_TENANT_ACME_CORP`) would share every secret.
    /// - Two tenants with the same API key, or the same agent key: a key must name one tenant.
    /// - An API key equal to an agent key (of any tenant): the public web chat key would open the agent API.
    static func validate(
        tenantIds: [String], apiKeys: [String: [UInt8]], agentKeys: [String: [UInt8]]
    )
        throws(SettingsError)
    {
        var stems: [String: String] = [:]
        for id in tenantIds.sorted() {
            let stem = variableStem(for: id)
            if let other = stems[stem] {
                throw SettingsError(
                    reason: "tenants '\(other)' and '\(id)' both read their secrets from \(stem)_*: rename one")
            }
            stems[stem] = id
        }
        try requireDistinct(apiKeys, what: "API key", variable: "API_KEY")
        try requireDistinct(agentKeys, what: "agent key", variable: "AGENT_KEY")
        for (apiTenant, apiKey) in apiKeys.sorted(by: { $0.key < $1.key }) {
            for (agentTenant, agentKey) in agentKeys.sorted(by: { $0.key < $1.key })
            where ConstantTime.equals(apiKey, agentKey) {
                throw SettingsError(
                    reason:
                        "the API key of tenant '\(apiTenant)' equals the agent key of tenant '\(agentTenant)':"
                        + " the public web chat key must not open the agent API")
            }
        }
    }

    private static func requireDistinct(
        _ keys: [String: [UInt8]], what: String, variable: String
    )
        throws(SettingsError)
    {
        let sorted = keys.sorted(by: { $0.key < $1.key })
        for (index, (tenant, key)) in sorted.enumerated() {
            for (other, otherKey) in sorted[(index + 1)...] where ConstantTime.equals(key, otherKey) {
                throw SettingsError(
                    reason: "tenants '\(tenant)' and '\(other)' have the same \(what) (\(variable)): give each its own")
            }
        }
    }
}
