import Foundation
import SwitchboardRuntime
import SwitchboardStages
import Testing

@Suite("Tenant secrets from the environment and the secrets file")
struct TenantSecretsTests {
    /// A private directory with a tenants file and, when given, a secrets file; removed afterwards.
    static func withFiles<T>(
        secrets: String?, _ body: (_ tenantsFile: String, _ secretsFile: String) throws -> T
    ) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tenants = directory.appendingPathComponent("tenants.yaml")
        try "tenants:\n  - id: demo\n  - id: acme-corp\n".write(to: tenants, atomically: true, encoding: .utf8)
        let secretsFile = directory.appendingPathComponent("secrets.yaml")
        if let secrets {
            try secrets.write(to: secretsFile, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretsFile.path)
        }
        return try body(tenants.path, secretsFile.path)
    }

    @Test("keys and credentials come from the file; a variable that is set wins over it")
    func fileAndEnvironment() {
        let secrets = TenantSecrets(
            tenantIds: ["demo", "acme-corp"],
            environment: [
                "SWITCHBOARD_TENANT_DEMO_WHATSAPP_APP_SECRET": "from-environment",
                "SWITCHBOARD_TENANT_DEMO_AGENT_KEY": "",  // empty is unset, as everywhere
            ],
            file: [
                "demo": ["API_KEY": "demo-key", "AGENT_KEY": "agent-key", "WHATSAPP_APP_SECRET": "from-file"],
                "acme-corp": ["TELEGRAM_BOT_TOKEN": "123:abc"],
            ])
        #expect(secrets.tenant(forAPIKey: "demo-key") == "demo")
        #expect(secrets.tenant(forAgentKey: "agent-key") == "demo")
        #expect(secrets.tenant(forAPIKey: "agent-key") == nil)
        #expect(secrets.credential("WHATSAPP_APP_SECRET", tenantId: "demo") == "from-environment")
        #expect(secrets.credential("TELEGRAM_BOT_TOKEN", tenantId: "acme-corp") == "123:abc")
        #expect(secrets.credential("TELEGRAM_BOT_TOKEN", tenantId: "demo") == nil)
    }

    @Test("a daemon reads the file SWITCHBOARD_TENANT_SECRETS_FILE names")
    func daemonEnvironment() throws {
        let text = "demo:\n  api_key: file-api-key\nacme-corp:\n  messenger_app_secret: fb-secret\n"
        try Self.withFiles(secrets: text) { tenants, secrets in
            let environment = try DaemonEnvironment.fromProcess(
                name: "channel-webhook", defaultHTTPPort: 8080,
                environment: ["SWITCHBOARD_TENANTS_FILE": tenants, "SWITCHBOARD_TENANT_SECRETS_FILE": secrets])
            #expect(environment.secrets.tenant(forAPIKey: "file-api-key") == "demo")
            #expect(environment.secrets.credential("MESSENGER_APP_SECRET", tenantId: "acme-corp") == "fb-secret")

            let without = try DaemonEnvironment.fromProcess(
                name: "channel-webhook", defaultHTTPPort: 8080, environment: ["SWITCHBOARD_TENANTS_FILE": tenants])
            #expect(without.secrets.tenant(forAPIKey: "file-api-key") == nil)
        }
    }

    @Test("a missing or bad file stops the daemon with one line naming the file, never a value")
    func badFile() throws {
        func failure(_ text: String?, secretsPath: ((String) -> String)? = nil) throws -> String {
            try Self.withFiles(secrets: text) { tenants, secrets in
                do {
                    _ = try DaemonEnvironment.fromProcess(
                        name: "session", defaultHTTPPort: 8082,
                        environment: [
                            "SWITCHBOARD_TENANTS_FILE": tenants,
                            "SWITCHBOARD_TENANT_SECRETS_FILE": secretsPath?(secrets) ?? secrets,
                        ])
                    return "no error"
                } catch {
                    return "\(error)"
                }
            }
        }
        let missing = try failure(nil)
        #expect(missing.hasPrefix("cannot read the tenant secrets file /"), "\(missing)")
        #expect(missing.contains("SWITCHBOARD_TENANT_SECRETS_FILE"))

        let misspelt = try failure("dem0:\n  api_key: t0p-s3cret\n")
        #expect(misspelt.contains("secrets.yaml: tenant secrets file names tenant 'dem0'"), "\(misspelt)")
        #expect(!misspelt.contains("t0p-s3cret"))

        let broken = try failure("demo:\n  api_key: \"t0p-s3cret\n")
        #expect(broken.contains("not valid YAML"), "\(broken)")
        #expect(!broken.contains("t0p-s3cret"), "\(broken)")
    }
}
