import Foundation
import HTTPTypes
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// `switchboard send --channel <vendor>` run as the built binary against a recording server: the request it
/// posts is checked with the channel adapters' own signature checks and parsers, and against the shape of the
/// shared vendor fixtures. No broker or database needed.
@Suite struct SendWebhookCLITests {
    static let tenant = "acme-corp"
    static let secrets = [
        "SWITCHBOARD_TENANT_ACME_CORP_WHATSAPP_APP_SECRET": "wa-app-secret-1f3e",
        "SWITCHBOARD_TENANT_ACME_CORP_MESSENGER_APP_SECRET": "fb-app-secret-77aa",
        "SWITCHBOARD_TENANT_ACME_CORP_TELEGRAM_SECRET_TOKEN": "tg-secret-token-9c2d",
        "SWITCHBOARD_TENANT_ACME_CORP_TWILIO_AUTH_TOKEN": "twilio-auth-token-5b8e",
        "SWITCHBOARD_TWILIO_PUBLIC_BASE_URL": "https://switchboard.example.com/",
    ]
    /// Spaces, `+`, `&`, `/`, non-ASCII and an emoji: what breaks form encoding, Meta's escaping and signatures.
    static let text = "Hi / größer & +1 👋"

    struct Case: Sendable, CustomTestStringConvertible {
        var channel: String
        var route: String
        var user: String
        var envelopeChannel: Channel
        var externalId: String
        var testDescription: String { channel }
    }

    static let cases = [
        Case(
            channel: "whatsapp", route: "whatsapp", user: "+31612345678", envelopeChannel: .whatsapp,
            externalId: "+31612345678"),
        Case(channel: "messenger", route: "messenger", user: "5678", envelopeChannel: .messenger, externalId: "5678"),
        Case(
            channel: "telegram", route: "telegram", user: "1111111", envelopeChannel: .telegram,
            externalId: "1111111"),
        Case(channel: "sms", route: "sms", user: "+14133881111", envelopeChannel: .sms, externalId: "+14133881111"),
        Case(
            channel: "twilio-whatsapp", route: "sms", user: "+31612345678", envelopeChannel: .whatsapp,
            externalId: "+31612345678"),
    ]

    static func cli(_ server: FakeVendorServer?, _ extra: [String: String] = secrets) -> CLIProcess {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") }
        environment["SWITCHBOARD_WEBHOOK_URL"] = server?.baseURL ?? "http://127.0.0.1:1"
        for (key, value) in extra { environment[key] = value }
        return CLIProcess(environment: environment)
    }

    /// The adapter channel-webhook serves the route with, reading the same variables.
    static func adapter(_ route: String, environment: [String: String] = secrets) -> any WebhookChannelAdapter {
        let secrets = TenantSecrets(tenantIds: [tenant], environment: environment)
        let providers = ProviderConfiguration(variables: environment)
        switch route {
        case "whatsapp": return WhatsAppAdapter(secrets: secrets, configuration: providers)
        case "messenger": return MessengerAdapter(secrets: secrets, configuration: providers)
        case "telegram": return TelegramAdapter(secrets: secrets, providers: providers)
        default: return TwilioAdapter(channel: .sms, secrets: secrets, providers: providers)
        }
    }

    static func fields(_ headers: [String: String]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return fields
    }

    /// Sends one message through the binary and returns its output and the request the server received.
    static func send(
        _ arguments: [String], route: String, environment: [String: String] = secrets
    ) async throws -> (CLIProcess.Result, FakeVendorServer.RecordedRequest?) {
        try await FakeVendorServer.with { server in
            let path = "/webhooks/\(route)/\(tenant)"
            server.script(path, [.json(200, #"{"received":1}"#)])
            let result = try await cli(server, environment).run(["send", "--tenant", tenant] + arguments)
            return (result, server.requests(to: path).first)
        }
    }

    @Test(arguments: cases) func postsASignedWebhookTheAdapterAcceptsAndParses(_ given: Case) async throws {
        let (result, recorded) = try await Self.send(
            ["--channel", given.channel, "--user", given.user, "--text", Self.text], route: given.route)
        #expect(result.status == 0, "\(result.error)")
        let request = try #require(recorded, "nothing posted to /webhooks/\(given.route)/\(Self.tenant)")
        #expect(request.method == "POST")

        // One line: channel, status, message id, envelope id.
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1, "\(result.output)")
        let words = lines.first?.split(separator: " ").map(String.init) ?? []
        #expect(words.count == 6 && words[0] == given.channel && words[1] == "200" && words[2] == "message")
        let messageId = try #require(words.count > 3 ? words[3] : nil)
        let printedEnvelope = try #require(words.count > 5 ? UUID(uuidString: words[5]) : nil)
        for secret in Self.secrets.values where !secret.hasPrefix("https") {
            #expect(!result.output.contains(secret) && !result.error.contains(secret))
        }

        // The signature is the one channel-webhook checks, over these exact bytes and no others.
        let adapter = Self.adapter(given.route)
        let headers = Self.fields(request.headers)
        #expect(throws: Never.self) {
            try adapter.verify(headers: headers, body: request.body, tenantId: Self.tenant)
        }
        if given.channel != "telegram" {  // Telegram's header is a shared token, not a signature of the body
            var tampered = request.body
            tampered[tampered.count / 2] ^= 0x01
            #expect(throws: ChannelHTTPError.self) {
                try adapter.verify(headers: headers, body: tampered, tenantId: Self.tenant)
            }
        }
        #expect(throws: ChannelHTTPError.self) {
            try Self.adapter(given.route, environment: Self.secrets.mapValues { $0 + "-rotated" })
                .verify(headers: headers, body: request.body, tenantId: Self.tenant)
        }

        let envelopes = try adapter.parse(
            body: request.body, headers: headers, tenantId: Self.tenant, receivedAt: Date(), ids: UUIDv7Generator())
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        #expect(envelope.id == printedEnvelope)
        #expect(envelope.channel == given.envelopeChannel)
        #expect(envelope.kind == .message)
        #expect(envelope.externalId == given.externalId)
        #expect(envelope.content == .text(Self.text))
        #expect(envelope.channelMessageId?.hasSuffix(messageId) == true, "\(envelope.channelMessageId ?? "-")")
    }

    @Test func bodiesHaveTheShapeOfTheVendorFixtures() async throws {
        func keyPaths(_ value: Any, _ prefix: String = "") -> Set<String> {
            if let object = value as? [String: Any] {
                return object.reduce(into: Set<String>()) { paths, entry in
                    let path = prefix.isEmpty ? entry.key : prefix + "." + entry.key
                    paths.insert(path)
                    paths.formUnion(keyPaths(entry.value, path))
                }
            }
            if let array = value as? [Any] {
                return array.reduce(into: Set<String>()) { $0.formUnion(keyPaths($1, prefix + "[]")) }
            }
            return []
        }
        func fixture(_ name: String) throws -> Any {
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: TestStack.channelFixtures.appendingPathComponent(name)))
        }
        for (channel, user, name, extra) in [
            ("whatsapp", "+31612345678", "whatsapp/text.json", Set<String>()),
            ("messenger", "5678", "messenger/text_message.json", []),
            // Today's Bot API marks users with is_bot; the fixture is an older docs sample.
            ("telegram", "1111111", "telegram/message_text.json", ["message.from.is_bot"]),
        ] {
            let (result, recorded) = try await Self.send(
                ["--channel", channel, "--user", user, "--text", "Hi"], route: channel)
            let request = try #require(recorded, "\(channel): \(result.error)")
            let ours = keyPaths(try JSONSerialization.jsonObject(with: Data(request.body)))
            let theirs = keyPaths(try fixture(name))
            #expect(ours.subtracting(theirs) == extra, "\(channel) has keys the vendor does not send")
            if channel != "telegram" {  // the Telegram sample's optional last_name/username are left out
                #expect(theirs.subtracting(ours).isEmpty, "\(channel) lacks \(theirs.subtracting(ours).sorted())")
            }
        }
        for (channel, name) in [
            ("sms", "twilio/inbound_sms.form"), ("twilio-whatsapp", "twilio/inbound_whatsapp_text.form"),
        ] {
            let (result, recorded) = try await Self.send(
                ["--channel", channel, "--user", "+31612345678", "--text", "Hi"], route: "sms")
            let request = try #require(recorded, "\(channel): \(result.error)")
            let fixture = TwilioForm(
                body: Array(try Data(contentsOf: TestStack.channelFixtures.appendingPathComponent(name))))
            let ours = Set(TwilioForm(body: request.body).pairs.map(\.name))
            let optional: Set = ["ProfileName", "WaId"]  // what Twilio adds for WhatsApp senders
            #expect(ours.subtracting(fixture.pairs.map(\.name)).subtracting(optional).isEmpty, "\(ours.sorted())")
            for name in ["MessageSid", "AccountSid", "From", "To", "Body", "NumMedia"] {
                #expect(ours.contains(name), "\(channel) lacks \(name)")
            }
            #expect(TwilioForm(body: request.body)["NumMedia"] == "0")
            #expect(TwilioForm(body: request.body)["From"]?.hasPrefix("whatsapp:+") == (channel == "twilio-whatsapp"))
        }
    }

    @Test func everySendHasAFreshIdUnlessOneIsGiven() async throws {
        func ids(_ arguments: [String]) async throws -> (message: String, envelope: String) {
            let (result, _) = try await Self.send(
                ["--channel", "whatsapp", "--user", "+31612345678", "--text", "again"] + arguments, route: "whatsapp")
            #expect(result.status == 0, "\(result.error)")
            let words = result.output.split(separator: " ").map(String.init)
            return (words.count > 3 ? words[3] : "", words.count > 5 ? words[5].trimmingCharacters(in: .newlines) : "")
        }
        let first = try await ids([])
        let second = try await ids([])
        #expect(first.message.hasPrefix("wamid."))
        #expect(first.message != second.message && first.envelope != second.envelope)
        let redelivered = try await ids(["--message-id", first.message])
        #expect(redelivered.message == first.message && redelivered.envelope == first.envelope)

        let (telegram, _) = try await Self.send(
            ["--channel", "telegram", "--user", "1111111", "--text", "x", "--message-id", "not-a-number"],
            route: "telegram")
        #expect(telegram.status == 2 && telegram.error.contains("message_id"), "\(telegram.error)")
    }

    @Test func twilioSignsTheTenantsOwnPublicURLFirst() async throws {
        var environment = Self.secrets
        environment["SWITCHBOARD_TENANT_ACME_CORP_TWILIO_PUBLIC_URL"] = "https://edge.example.net/twilio/acme?x=1"
        let (result, recorded) = try await Self.send(
            ["--channel", "sms", "--user", "+14133881111", "--text", "Hi"], route: "sms", environment: environment)
        let request = try #require(recorded, "\(result.error)")
        let headers = Self.fields(request.headers)
        #expect(throws: Never.self) {
            try Self.adapter("sms", environment: environment).verify(
                headers: headers, body: request.body, tenantId: Self.tenant)
        }
        #expect(throws: ChannelHTTPError.self) {
            try Self.adapter("sms").verify(headers: headers, body: request.body, tenantId: Self.tenant)
        }
    }

    @Test func aMissingSecretIsOneLineNamingTheVariableAndExitsTwo() async throws {
        let expected = [
            "whatsapp": "SWITCHBOARD_TENANT_ACME_CORP_WHATSAPP_APP_SECRET",
            "messenger": "SWITCHBOARD_TENANT_ACME_CORP_MESSENGER_APP_SECRET",
            "telegram": "SWITCHBOARD_TENANT_ACME_CORP_TELEGRAM_SECRET_TOKEN",
            "sms": "SWITCHBOARD_TENANT_ACME_CORP_TWILIO_AUTH_TOKEN",
            "twilio-whatsapp": "SWITCHBOARD_TENANT_ACME_CORP_TWILIO_AUTH_TOKEN",
        ]
        try await FakeVendorServer.with { server in
            for (channel, variable) in expected {
                let user = channel == "telegram" ? "1111111" : "+31612345678"
                var environment = Self.secrets
                environment[variable] = nil
                let result = try await Self.cli(server, environment).run([
                    "send", "--channel", channel, "--tenant", Self.tenant, "--user", user, "--text", "Hi",
                ])
                #expect(result.status == 2, "\(channel): \(result.error)")
                #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
                #expect(result.error.contains("set \(variable) "), "\(result.error)")
                #expect(result.output.isEmpty)
                for secret in environment.values where !secret.hasPrefix("https") {
                    #expect(!result.error.contains(secret))
                }
            }
            // Twilio also needs the URL it signs.
            var environment = Self.secrets
            environment["SWITCHBOARD_TWILIO_PUBLIC_BASE_URL"] = nil
            let result = try await Self.cli(server, environment).run([
                "send", "--channel", "sms", "--tenant", Self.tenant, "--user", "+1", "--text", "Hi",
            ])
            #expect(result.status == 2)
            #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
            #expect(
                result.error.contains(
                    "set SWITCHBOARD_TENANT_ACME_CORP_TWILIO_PUBLIC_URL or SWITCHBOARD_TWILIO_PUBLIC_BASE_URL"),
                "\(result.error)")
            #expect(!result.error.contains("twilio-auth-token-5b8e"))
            #expect(server.requests.isEmpty, "a request was sent without its secret")
        }
    }

    @Test func secretsCanComeFromTheTenantSecretsFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "acme-corp:\n  whatsapp_app_secret: from-the-file-4d1e\nother-tenant:\n  api_key: x\n".write(
            to: file, atomically: true, encoding: .utf8)
        let (result, recorded) = try await Self.send(
            ["--channel", "whatsapp", "--user", "+31612345678", "--text", "Hi"], route: "whatsapp",
            environment: ["SWITCHBOARD_TENANT_SECRETS_FILE": file.path])
        #expect(result.status == 0, "\(result.error)")
        let request = try #require(recorded)
        let signedWithFile = Self.adapter(
            "whatsapp", environment: ["SWITCHBOARD_TENANT_ACME_CORP_WHATSAPP_APP_SECRET": "from-the-file-4d1e"])
        #expect(throws: Never.self) {
            try signedWithFile.verify(headers: Self.fields(request.headers), body: request.body, tenantId: Self.tenant)
        }

        // A file that cannot be used: exit 2, one line naming it, nothing sent, no value shown.
        try "acme-corp: [from-the-file-4d1e]\n".write(to: file, atomically: true, encoding: .utf8)
        try await FakeVendorServer.with { server in
            let bad = try await Self.cli(server, ["SWITCHBOARD_TENANT_SECRETS_FILE": file.path]).run([
                "send", "--channel", "whatsapp", "--tenant", Self.tenant, "--user", "+31612345678", "--text", "Hi",
            ])
            #expect(bad.status == 2)
            #expect(bad.error.split(separator: "\n").count == 1, "\(bad.error)")
            #expect(bad.error.contains(file.path + ": tenant secrets file: 'acme-corp' must map"), "\(bad.error)")
            #expect(!bad.error.contains("from-the-file"))
            #expect(server.requests.isEmpty)
        }
    }

    @Test func aRejectionOrNoDaemonIsOneLineAndAFailingExitCode() async throws {
        try await FakeVendorServer.with { server in
            server.script(
                "/webhooks/telegram/\(Self.tenant)", [.json(403, #"{"error":"request had the wrong secret token"}"#)])
            let rejected = try await Self.cli(server).run([
                "send", "--channel", "telegram", "--tenant", Self.tenant, "--user", "1111111", "--text", "Hi",
            ])
            #expect(rejected.status == 2)
            #expect(rejected.error.split(separator: "\n").count == 1, "\(rejected.error)")
            #expect(
                rejected.error.contains("403") && rejected.error.contains("wrong secret token"), "\(rejected.error)")
            #expect(!rejected.error.contains("tg-secret-token-9c2d"))
        }
        let unreachable = try await Self.cli(nil).run([
            "send", "--channel", "sms", "--tenant", Self.tenant, "--user", "+14133881111", "--text", "Hi",
        ])
        #expect(unreachable.status == 4)
        #expect(unreachable.error.split(separator: "\n").count == 1, "\(unreachable.error)")
        #expect(unreachable.error.contains("SWITCHBOARD_WEBHOOK_URL"))
    }
}
