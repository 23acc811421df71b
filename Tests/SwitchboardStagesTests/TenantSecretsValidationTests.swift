import SwitchboardRuntime
import SwitchboardStages
import Testing

@Suite("Tenant secrets that could stand for two things stop start-up")
struct TenantSecretsValidationTests {
    func loadError(_ ids: [String], _ environment: [String: String]) -> String? {
        do {
            _ = try TenantSecrets.load(tenantIds: ids, environment: environment)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("tenant ids that map to the same variable names are refused, naming both")
    func sameStem() throws {
        let reason = try #require(loadError(["acme-corp", "acme.corp"], [:]))
        #expect(reason.contains("acme-corp") && reason.contains("acme.corp"))
        #expect(reason.contains("SWITCHBOARD_TENANT_ACME_CORP"))
    }

    @Test("two tenants with the same API key are refused, without printing the key")
    func sameAPIKey() throws {
        let reason = try #require(
            loadError(
                ["a", "b"],
                ["SWITCHBOARD_TENANT_A_API_KEY": "shared-secret", "SWITCHBOARD_TENANT_B_API_KEY": "shared-secret"]))
        #expect(reason.contains("same API key"))
        #expect(!reason.contains("shared-secret"))
    }

    @Test("two tenants with the same agent key are refused")
    func sameAgentKey() throws {
        let reason = try #require(
            loadError(
                ["a", "b"], ["SWITCHBOARD_TENANT_A_AGENT_KEY": "k1", "SWITCHBOARD_TENANT_B_AGENT_KEY": "k1"]))
        #expect(reason.contains("same agent key"))
    }

    @Test("an API key equal to an agent key, of the same or another tenant, is refused")
    func apiKeyEqualsAgentKey() throws {
        let same = try #require(
            loadError(["a"], ["SWITCHBOARD_TENANT_A_API_KEY": "k", "SWITCHBOARD_TENANT_A_AGENT_KEY": "k"]))
        #expect(same.contains("agent key"))
        #expect(
            loadError(["a", "b"], ["SWITCHBOARD_TENANT_A_API_KEY": "k", "SWITCHBOARD_TENANT_B_AGENT_KEY": "k"])
                != nil)
    }

    @Test("distinct keys and ids load")
    func distinct() {
        #expect(
            loadError(
                ["acme-corp", "demo"],
                [
                    "SWITCHBOARD_TENANT_ACME_CORP_API_KEY": "k1", "SWITCHBOARD_TENANT_ACME_CORP_AGENT_KEY": "k2",
                    "SWITCHBOARD_TENANT_DEMO_API_KEY": "k3", "SWITCHBOARD_TENANT_DEMO_AGENT_KEY": "k4",
                ]) == nil)
    }
}
