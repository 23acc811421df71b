import Foundation
import SwitchboardStages

/// Fresh credentials for the suite's tenant, given to its daemons as variables and never written to disk.
struct FaultsSecrets: Sendable {
    let tenant: String
    let apiKey = FaultsSecrets.random()
    let agentKey = FaultsSecrets.random()
    let appSecret = FaultsSecrets.random()
    let accessToken = FaultsSecrets.random()
    /// The key of web chat visitor tokens, the same for every channel-webhook instance, as in production: a
    /// token one instance signed is valid on the others.
    let webChatTokenSecret = FaultsSecrets.random()
    /// The number the stream's webhooks name; the tenant's own, so webhooks bound to the account pass.
    let phoneNumberId = "100000000000001"

    /// `SWITCHBOARD_TENANT_<ID>_...` for each credential, and the web chat token key.
    var variables: [String: String] {
        let stem = TenantSecrets.variableStem(for: tenant)
        return [
            "\(stem)_API_KEY": apiKey, "\(stem)_AGENT_KEY": agentKey, "\(stem)_WHATSAPP_APP_SECRET": appSecret,
            "\(stem)_WHATSAPP_ACCESS_TOKEN": accessToken, "\(stem)_WHATSAPP_PHONE_NUMBER_ID": phoneNumberId,
            "\(stem)_WHATSAPP_PROVIDER": "meta", "SWITCHBOARD_WEBCHAT_TOKEN_SECRET": webChatTokenSecret,
        ]
    }

    private static func random() -> String {
        (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
    }
}
