import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import SwitchboardCore
import SwitchboardObservability
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// What every provider webhook route answers to bad input, whatever the channel: 413 above the configured
/// size, 400 with a reason for a body it cannot understand, 401/403 for a bad signature (counted by channel).
extension ChannelWebhookStackTests {
    @Suite("provider webhook routes refuse bad input") struct ProviderRoutes {
        static let metaSecret = "route-test-meta-secret"
        static let telegramToken = "route-test-telegram-token"
        static let twilioToken = "route-test-twilio-token"
        static let twilioURL = "https://switchboard.example.com/webhooks/sms/acme"

        /// A request as the vendor signs it (or, with `tamper`, signed for other bytes).
        struct Post {
            var path: String
            var headers: HTTPFields
            var body: [UInt8]
        }

        static func signed(_ channel: Channel, _ body: [UInt8], tamper: Bool = false) -> Post {
            let signedBody = tamper ? body + Array(" ".utf8) : body
            switch channel {
            case .sms:
                let signature = TwilioSignature.expected(
                    authToken: twilioToken, url: twilioURL, form: TwilioForm(body: signedBody))
                return Post(
                    path: "/webhooks/sms/acme",
                    headers: [
                        .contentType: "application/x-www-form-urlencoded", .init("X-Twilio-Signature")!: signature,
                    ],
                    body: body)
            case .telegram:
                return Post(
                    path: "/webhooks/telegram/acme",
                    headers: [
                        .contentType: "application/json",
                        .init("X-Telegram-Bot-Api-Secret-Token")!: tamper ? "not-the-token" : telegramToken,
                    ], body: body)
            default:
                let signature = MetaWebhookSecurity.signature(body: signedBody, appSecret: metaSecret)
                return Post(
                    path: "/webhooks/\(channel.rawValue)/acme",
                    headers: [.contentType: "application/json", .init("X-Hub-Signature-256")!: signature], body: body)
            }
        }

        @Test func oversizedMalformedAndForgedWebhooksAreRefusedAndForgeriesCounted() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(
                extra: [
                    "SWITCHBOARD_WEBHOOK_MAX_BODY_BYTES": "2048",
                    "SWITCHBOARD_TENANT_ACME_WHATSAPP_APP_SECRET": Self.metaSecret,
                    "SWITCHBOARD_TENANT_ACME_MESSENGER_APP_SECRET": Self.metaSecret,
                    "SWITCHBOARD_TENANT_ACME_TELEGRAM_SECRET_TOKEN": Self.telegramToken,
                    "SWITCHBOARD_TENANT_ACME_TWILIO_AUTH_TOKEN": Self.twilioToken,
                    "SWITCHBOARD_TENANT_ACME_TWILIO_PUBLIC_URL": Self.twilioURL,
                ])
            let registry = PrometheusCollectorRegistry()
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                var context = daemon.context
                context.outboundMetrics = OutboundMetrics(factory: MetricsBootstrap.makeFactory(registry: registry))
                let router = Router(context: ChannelRequestContext.self)
                for adapter in daemon.adapters.all { adapter.addRoutes(to: router, context: context) }
                try await Application(router: router).test(.router) { client in
                    func send(_ post: Post) async throws -> (HTTPResponse.Status, String) {
                        try await client.execute(
                            uri: post.path, method: .post, headers: post.headers, body: ByteBuffer(bytes: post.body)
                        ) { ($0.status, String(buffer: $0.body)) }
                    }
                    let oversized = Array(repeating: UInt8(ascii: "x"), count: 3000)
                    let malformed: [Channel: (body: String, reason: String)] = [
                        .whatsapp: ("{oops", "body is not a WhatsApp webhook"),
                        .messenger: ("{oops", "body is not a Messenger webhook"),
                        .telegram: ("{oops", "body is not a Telegram update"),
                        .sms: ("Body=no+sid", "MessageSid is missing"),
                    ]
                    for channel in [Channel.whatsapp, .messenger, .telegram, .sms] {
                        let (tooLarge, tooLargeReason) = try await send(Self.signed(channel, oversized))
                        #expect(tooLarge == .contentTooLarge, "\(channel)")
                        #expect(tooLargeReason.contains("larger than 2048 bytes"), "\(channel)")

                        let bad = try #require(malformed[channel])
                        let (status, reason) = try await send(Self.signed(channel, Array(bad.body.utf8)))
                        #expect(status == .badRequest, "\(channel): \(reason)")
                        #expect(reason.contains(bad.reason), "\(channel): \(reason)")

                        let (forged, _) = try await send(Self.signed(channel, Array(bad.body.utf8), tamper: true))
                        #expect(forged == (channel == .telegram ? .forbidden : .unauthorized), "\(channel)")
                    }
                }
            }
            let exposition = registry.emitToString()
            for channel in ["whatsapp", "messenger", "telegram", "sms"] {
                #expect(
                    exposition.contains(#"switchboard_webhook_signature_failures_total{channel="\#(channel)"} 1"#),
                    "\(channel)")
            }
        }
    }
}
