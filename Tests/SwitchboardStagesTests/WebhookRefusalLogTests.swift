import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages
import SwitchboardTestSupport
import Testing

extension ChannelWebhookStackTests {
    /// Every refusal of a webhook route (400, 401, 403, 413, 503) is logged at warning with the channel, tenant
    /// and reason, and no log line carries a secret or the body; Twilio signs the URL Twilio called, query
    /// string included, and JSON bodies by their hash.
    @Suite("webhook refusals are logged; Twilio's URL and JSON signatures") struct WebhookRefusals {
        typealias Routes = ChannelWebhookStackTests.ProviderRoutes
        static let marker = "BODY-MARKER-4711"

        @Test func everyRefusalIsLoggedAtWarningWithoutSecretsOrBodies() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(extra: [
                "SWITCHBOARD_WEBHOOK_MAX_BODY_BYTES": "2048",
                "SWITCHBOARD_TENANT_ACME_WHATSAPP_APP_SECRET": Routes.metaSecret,
                "SWITCHBOARD_TENANT_ACME_WHATSAPP_VERIFY_TOKEN": "verify-token-secret",
                "SWITCHBOARD_TENANT_ACME_TELEGRAM_SECRET_TOKEN": Routes.telegramToken,
                "SWITCHBOARD_TENANT_ACME_TWILIO_AUTH_TOKEN": Routes.twilioToken,
                "SWITCHBOARD_TENANT_ACME_TWILIO_PUBLIC_URL": Routes.twilioURL,
            ])
            let records = LogRecords()
            var deadKafka = KafkaConfiguration(brokers: "127.0.0.1:1", clientID: "refusal-tests")
            deadKafka.messageTimeout = .milliseconds(500)
            var quiet = TestStack.logger("refusal-tests")
            quiet.logLevel = .critical
            let deadProducer = try KafkaProducer(configuration: deadKafka, logger: quiet)
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                var context = daemon.context
                context.logger = records.logger(label: "channel-webhook")
                // A record limit small enough for a 1.8 KB body to overflow its envelope.
                context.publisher = InboundPublisher(
                    producer: daemon.producer, topics: environment.settings.topics, recordLimit: 3000)
                var deadContext = context
                deadContext.publisher = InboundPublisher(producer: deadProducer, topics: environment.settings.topics)
                let router = Router(context: ChannelRequestContext.self)
                for adapter in daemon.adapters.all { adapter.addRoutes(to: router, context: context) }
                let deadRouter = Router(context: ChannelRequestContext.self)
                for adapter in daemon.adapters.all { adapter.addRoutes(to: deadRouter, context: deadContext) }

                func send(
                    _ post: Routes.Post, to router: Router<ChannelRequestContext>, method: HTTPRequest.Method = .post
                ) async throws -> HTTPResponse.Status {
                    try await Application(router: router).test(.router) { client in
                        try await client.execute(
                            uri: post.path, method: method, headers: post.headers, body: ByteBuffer(bytes: post.body)
                        ) { $0.status }
                    }
                }
                let text = Array("MessageSid=SM1&From=%2B15550001&Body=\(Self.marker)".utf8)
                // 600 control characters: 1 800 bytes of form, 3 600 in the envelope.
                let controls = Array(
                    ("MessageSid=SM2&From=%2B15550001&Body=" + String(repeating: "%01", count: 600)).utf8)
                let cases:
                    [(
                        Routes.Post, Router<ChannelRequestContext>, HTTPRequest.Method, HTTPResponse.Status, Channel,
                        String
                    )] = [
                        (
                            Routes.signed(.whatsapp, Array(repeating: UInt8(ascii: "x"), count: 3000)), router, .post,
                            .contentTooLarge, .whatsapp, "request body is larger than 2048 bytes"
                        ),
                        (
                            Routes.signed(.sms, Array("Body=\(Self.marker)".utf8)), router, .post, .badRequest, .sms,
                            "MessageSid is missing"
                        ),
                        (
                            Routes.signed(.sms, text, tamper: true), router, .post, .unauthorized, .sms,
                            "invalid X-Twilio-Signature"
                        ),
                        (
                            Routes.signed(.whatsapp, Array("{\"\(Self.marker)\":1}".utf8), tamper: true), router, .post,
                            .unauthorized, .whatsapp, "bad signature"
                        ),
                        (
                            Routes.signed(.telegram, Array("{}".utf8), tamper: true), router, .post, .forbidden,
                            .telegram,
                            "request had the wrong secret token"
                        ),
                        (
                            Routes.Post(
                                path:
                                    "/webhooks/whatsapp/acme?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
                                headers: [:], body: []), router, .get, .forbidden, .whatsapp, "verification failed"
                        ),
                        (
                            Routes.signed(.sms, controls), router, .post, .contentTooLarge, .sms,
                            "message is larger than one broker record (3000 bytes)"
                        ),
                        (
                            Routes.signed(.sms, text), deadRouter, .post, .serviceUnavailable, .sms,
                            "message broker unavailable"
                        ),
                    ]
                for (post, router, method, status, channel, reason) in cases {
                    let before = records.all.count
                    #expect(try await send(post, to: router, method: method) == status, "\(channel) \(reason)")
                    let refusals = records.all.dropFirst(before).filter { $0.message == "Webhook refused" }
                    let refusal = try #require(refusals.first, "\(channel) \(reason): not logged")
                    #expect(refusal.level == .warning)
                    #expect(refusal.metadata["channel"] == channel.rawValue)
                    #expect(refusal.metadata["tenant"] == "acme")
                    #expect(refusal.metadata["status"] == String(status.code))
                    #expect(refusal.metadata["reason"]?.hasPrefix(reason) == true, "\(refusal)")
                }
                // Accepted: a plain message fits the record limit.
                #expect(try await send(Routes.signed(.sms, text), to: router) == .ok)
            }
            await deadProducer.shutdown(timeout: .milliseconds(100))
            let secrets = [
                Routes.metaSecret, Routes.telegramToken, Routes.twilioToken, "verify-token-secret", Self.marker,
            ]
            let leaks = records.all.filter { record in secrets.contains { record.description.contains($0) } }
            #expect(leaks.isEmpty, "\(leaks.map(\.description))")
        }

        /// Twilio's signature over the URL it called: the query string counts, and a JSON body is signed by the
        /// `bodySHA256` in it.
        @Test func twilioQueryStringAndJSONBodiesThroughTheRoute() async throws {
            let publicURL = "https://switchboard.example.com/webhooks/sms/acme"
            let environment = try ChannelWebhookTestEnvironment.make(extra: [
                "SWITCHBOARD_TENANT_ACME_TWILIO_AUTH_TOKEN": Routes.twilioToken,
                "SWITCHBOARD_TENANT_ACME_TWILIO_PUBLIC_URL": publicURL,
            ])
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                let router = Router(context: ChannelRequestContext.self)
                for adapter in daemon.adapters.all { adapter.addRoutes(to: router, context: daemon.context) }
                let header = try #require(HTTPField.Name("X-Twilio-Signature"))
                let form = Array("MessageSid=SM77&From=%2B15550001&Body=hello".utf8)
                let json = Array(#"{"property": "value", "boolean": true}"#.utf8)
                let hash = TwilioSignature.bodyHash(json)
                try await Application(router: router).test(.router) { client in
                    func post(
                        _ query: String, signedAs url: String, body: [UInt8], json: Bool = false
                    ) async throws
                        -> HTTPResponse.Status
                    {
                        let signature = TwilioSignature.expected(
                            authToken: Routes.twilioToken, url: url,
                            form: json ? TwilioForm(pairs: []) : TwilioForm(body: body))
                        let type = json ? "application/json" : "application/x-www-form-urlencoded"
                        return try await client.execute(
                            uri: "/webhooks/sms/acme" + query, method: .post,
                            headers: [.contentType: type, header: signature], body: ByteBuffer(bytes: body)
                        ) { $0.status }
                    }
                    let query = "?bodySHA256=" + hash
                    let statuses = [
                        try await post("?campaign=a", signedAs: publicURL + "?campaign=a", body: form),
                        try await post("?campaign=b", signedAs: publicURL + "?campaign=a", body: form),
                        try await post("", signedAs: publicURL + "?campaign=a", body: form),
                        // Signed with the default port, as some Twilio products do.
                        try await post(
                            "?campaign=a", signedAs: "https://switchboard.example.com:443/webhooks/sms/acme?campaign=a",
                            body: form),
                        try await post(query, signedAs: publicURL + query, body: json, json: true),
                        try await post(query, signedAs: publicURL + query, body: json + [0x20], json: true),
                    ]
                    #expect(statuses == [.ok, .unauthorized, .unauthorized, .ok, .ok, .unauthorized])
                }
            }
        }
    }
}
