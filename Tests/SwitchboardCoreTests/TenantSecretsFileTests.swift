import SwitchboardCore
import Testing

@Suite("Tenant secrets file")
struct TenantSecretsFileTests {
    static let known: Set<String> = ["demo", "acme-corp"]

    @Test("names become the variables' suffixes; numbers, quoted values and empty values")
    func parses() throws {
        let secrets = try TenantSecretsFile.parse(
            """
            # one entry per tenant
            demo:
              api_key: "k3y with: colon"
              Whatsapp_App_Secret: abc123
              WHATSAPP_PHONE_NUMBER_ID: 106540352242922
              telegram_bot_token: 123456:ABC-DEF
              agent_key: ''
            acme-corp:
              AGENT_KEY: 0042
            """, knownTenants: Self.known)
        #expect(
            secrets["demo"] == [
                "API_KEY": "k3y with: colon", "WHATSAPP_APP_SECRET": "abc123",
                "WHATSAPP_PHONE_NUMBER_ID": "106540352242922", "TELEGRAM_BOT_TOKEN": "123456:ABC-DEF",
            ])
        // As written, not as a number: a leading zero is part of a key.
        #expect(secrets["acme-corp"] == ["AGENT_KEY": "0042"])
    }

    @Test("an empty file, or one with comments only, has no secrets")
    func empty() throws {
        #expect(try TenantSecretsFile.parse("", knownTenants: Self.known).isEmpty)
        #expect(try TenantSecretsFile.parse("# nothing yet\n", knownTenants: Self.known).isEmpty)
    }

    @Test("a tenant the tenants file lacks is refused unless any tenant is allowed")
    func unknownTenant() throws {
        let text = "demo:\n  api_key: a\ndemo2:\n  api_key: b\n"
        #expect(
            throws: TenantConfigurationError(
                "tenant secrets file names tenant 'demo2', which the tenants file does not have")
        ) {
            try TenantSecretsFile.parse(text, knownTenants: Self.known)
        }
        #expect(try TenantSecretsFile.parse(text, knownTenants: nil)["demo2"] == ["API_KEY": "b"])
    }

    @Test(
        "bad files are refused with a reason that names the entry, never its value",
        arguments: [
            ("- demo\n- acme-corp\n", "must map tenant ids"),
            ("demo: sup3r-s3cret\n", "'demo' must map names to values"),
            ("demo:\n  api_key: [sup3r-s3cret]\n", "'demo.api_key' must be a plain value"),
            ("demo:\n  api key: sup3r-s3cret\n", "not letters, digits and _"),
            ("demo:\n  api_key: a\n  API_KEY: sup3r-s3cret\n", "'demo.API_KEY' is given twice"),
            ("demo:\n  api_key: \"sup3r-s3cret\n", "not valid YAML (line"),
            ("demo:\n  api_key: sup3r-s3cret\n bad: [\n", "not valid YAML"),
        ])
    func refused(text: String, reason: String) {
        do {
            _ = try TenantSecretsFile.parse(text, knownTenants: Self.known)
            Issue.record("expected an error for \(text.debugDescription)")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
            #expect(!error.description.contains("sup3r"), "\(error.description)")
        }
    }
}
