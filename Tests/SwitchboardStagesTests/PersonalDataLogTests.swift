import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Distinctive personal data, and the strings that must not appear in a log record at info and above.
enum PersonalDataProbe {
    static let phone = "+15550199876"
    static let email = "pii-probe@example.org"
    static let text = "PII-PROBE-TEXT"
    static let name = "PiiProbeName"
    static let telegramChat = "7770199876"
    static let psid = "9990199876123"

    /// The digits of the phone number catch it however it is written; the rest as they are.
    static let needles = ["5550199876", email, text, name, telegramChat, psid]

    /// Each probe record's level, message and metadata, for a failing expectation.
    static func leaks(in records: LogRecords) -> [String] {
        records.containing(needles, atOrAbove: .info).map(\.description)
    }
}

extension ChannelWebhookStackTests {
    @Suite("webhook routes keep personal data out of logs") struct WebhookLogs {
        typealias Routes = ChannelWebhookStackTests.ProviderRoutes
        typealias Probe = PersonalDataProbe

        /// A webhook of each channel carrying the probes where the vendor puts addresses, names and text.
        static func bodies() throws -> [Channel: [UInt8]] {
            func fixture(_ path: String, _ replacements: [(String, String)]) throws -> [UInt8] {
                var text = String(decoding: try ProviderFixtures.bytes(path), as: UTF8.self)
                for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
                return Array(text.utf8)
            }
            let digits = String(Probe.phone.dropFirst())
            return [
                .whatsapp: try fixture(
                    "whatsapp/signed_text.body.json",
                    [
                        ("972544401243", digits), ("Hey there! I am using PyWa.", "\(Probe.text) \(Probe.email)"),
                        ("PyWa Tests", Probe.name),
                    ]),
                .messenger: try fixture(
                    "messenger/text_message.json", [("\"5678\"", "\"\(Probe.psid)\""), ("Hello World", Probe.text)]),
                .telegram: try fixture(
                    "telegram/message_text.json",
                    [("1111111", Probe.telegramChat), ("Test Firstname", Probe.name), ("/start", Probe.text)]),
                .sms: try fixture(
                    "twilio/inbound_sms.form",
                    [("From=%2B14133881111", "From=%2B\(digits)"), ("Body=Msg", "Body=\(Probe.text)")]),
            ]
        }

        @Test func signedUnsignedForgedAndMalformedWebhooksLogNoPersonalData() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(extra: [
                "SWITCHBOARD_TENANT_ACME_WHATSAPP_APP_SECRET": Routes.metaSecret,
                "SWITCHBOARD_TENANT_ACME_MESSENGER_APP_SECRET": Routes.metaSecret,
                "SWITCHBOARD_TENANT_ACME_TELEGRAM_SECRET_TOKEN": Routes.telegramToken,
                "SWITCHBOARD_TENANT_ACME_TWILIO_AUTH_TOKEN": Routes.twilioToken,
                "SWITCHBOARD_TENANT_ACME_TWILIO_PUBLIC_URL": Routes.twilioURL,
            ])
            let records = LogRecords()
            let bodies = try Self.bodies()
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                var context = daemon.context
                context.logger = records.logger(label: "channel-webhook")
                let router = Router(context: ChannelRequestContext.self)
                for adapter in daemon.adapters.all { adapter.addRoutes(to: router, context: context) }
                let application = Application(router: router, logger: records.logger(label: "http"))
                try await application.test(.router) { client in
                    func send(_ post: Routes.Post, headers: HTTPFields? = nil) async throws -> HTTPResponse.Status {
                        try await client.execute(
                            uri: post.path, method: .post, headers: headers ?? post.headers,
                            body: ByteBuffer(bytes: post.body)
                        ) { $0.status }
                    }
                    let malformed = Array(#"{"from": "\#(Probe.phone)", "text": "\#(Probe.text)""#.utf8)
                    for channel in [Channel.whatsapp, .messenger, .telegram, .sms] {
                        let body = try #require(bodies[channel])
                        #expect(try await send(Routes.signed(channel, body)) == .ok, "\(channel)")
                        let unsigned = Routes.signed(channel, body)
                        let bare: HTTPFields = [.contentType: unsigned.headers[.contentType] ?? "application/json"]
                        #expect(try await send(unsigned, headers: bare).code >= 400, "\(channel) unsigned")
                        #expect(
                            try await send(Routes.signed(channel, body, tamper: true)).code >= 400, "\(channel) forged")
                        let refused = try await send(Routes.signed(channel, malformed))
                        #expect(refused == .badRequest, "\(channel) malformed")
                        var unknownTenant = Routes.signed(channel, body)
                        unknownTenant.path = unknownTenant.path.replacingOccurrences(of: "/acme", with: "/nobody")
                        #expect(try await send(unknownTenant) == .notFound, "\(channel) unknown tenant")
                    }
                }
            }
            #expect(!records.all.isEmpty, "the routes log through the logger under test")
            #expect(Probe.leaks(in: records).isEmpty, "\(Probe.leaks(in: records))")
        }
    }
}

@Suite("stages keep personal data out of logs")
struct PersonalDataLogTests {
    typealias Probe = PersonalDataProbe

    @Test func identificationLogsIdsNotAddressesOrText() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let records = LogRecords()
        let context = StageContext(
            logger: records.logger(label: "customer-identification"), topic: test.topics.inbound, partition: 0,
            offset: 0, topics: test.topics)
        let handler = IdentificationHandler(profiles: test.database.profiles, environment: test.environment)
        // New customer by phone, the same phone on another channel (merged), one by e-mail, an unknown tenant.
        let first = try await handler.handle(
            inbound(Probe.text, from: Probe.phone, channel: .sms), context: context)
        _ = try await handler.handle(
            inbound("\(Probe.text) \(Probe.name)", from: String(Probe.phone.dropFirst()), channel: .whatsapp),
            context: context)
        _ = try await handler.handle(inbound("\(Probe.text) \(Probe.email)", from: Probe.email), context: context)
        await #expect(throws: StageFailure.self) {
            try await handler.handle(inbound(Probe.text, from: Probe.phone, tenant: "nobody"), context: context)
        }
        #expect(try first.envelopes(on: test.topics.identified).first?.customerId != nil)
        #expect(records.atOrAbove(.info).contains { $0.metadata["customer_id"] != nil })
        #expect(Probe.leaks(in: records).isEmpty, "\(Probe.leaks(in: records))")
    }

    /// A reply to the probe's number, text the probe's text.
    func reply(channel: Channel, to address: String) -> Envelope {
        var message = inbound(Probe.text, from: address, channel: channel, tenant: "acme")
        message.customerId = "customer-probe"
        return message.reply(content: .text(Probe.text), sender: .bot, stage: "nlp-plugin", at: Date())
    }

    /// Delivers `envelope` through the outbound stage; the reason the runner would log the dead letter with.
    func deliverRefused(_ envelope: Envelope, adapter: any ChannelAdapter, records: LogRecords) async throws -> String {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        // The customer just wrote: the provider, not the WhatsApp window, refuses the reply.
        let handler = OutboundDeliveryHandler(
            adapters: ChannelAdapterRegistry([adapter]), database: test.database, consent: CustomersWhoJustWrote())
        let context = StageContext(
            logger: records.logger(label: "channel-webhook-outbound"), topic: test.topics.outbound, partition: 0,
            offset: 0, topics: test.topics)
        do {
            _ = try await handler.handle(envelope, context: context)
        } catch let failure as StageFailure {
            return failure.reason
        }
        Issue.record("the refused delivery was not a permanent failure")
        return ""
    }

    @Test func vendorRefusalsQuotingTheRecipientAreLoggedWithoutIt() async throws {
        try await FakeVendorServer.with { server in
            let quoted = "recipient \(Probe.phone) (\(Probe.email)) is not a valid WhatsApp user"
            server.script(
                WhatsAppOutboundTests.path,
                [.json(400, #"{"error":{"message":"(#100) \#(quoted)","type":"OAuthException","code":100}}"#)])
            server.script(
                TwilioOutboundTests.path,
                [.json(400, #"{"code":21211,"message":"The 'To' number \#(Probe.phone) is not valid."}"#)])
            server.script(
                TelegramOutboundTests.path,
                [
                    .json(
                        400,
                        #"{"ok":false,"error_code":400,"description":"Bad Request: chat \#(Probe.telegramChat) not found"}"#
                    )
                ])
            let clock = ProvidersTestClock()
            let waits = TelegramRecordedWaits()
            let records = LogRecords()
            let whatsapp = try await deliverRefused(
                reply(channel: .whatsapp, to: Probe.phone),
                adapter: WhatsAppOutboundTests().adapter(server, clock: clock), records: records)
            let sms = try await deliverRefused(
                reply(channel: .sms, to: Probe.phone),
                adapter: TwilioOutboundTests().adapter(server, waits: waits), records: records)
            let telegram = try await deliverRefused(
                reply(channel: .telegram, to: Probe.telegramChat),
                adapter: TelegramOutboundTests().adapter(server, waits: waits), records: records)
            // The vendor's code and the words around the address stay: operators can still tell what went wrong.
            #expect(whatsapp.contains("code 100") && whatsapp.contains("is not a valid WhatsApp user"), "\(whatsapp)")
            #expect(sms.contains("error 21211"), "\(sms)")
            #expect(telegram.contains("chat [redacted] not found"), "\(telegram)")
            for reason in [whatsapp, sms, telegram] {
                #expect(!Probe.needles.contains { reason.contains($0) }, "\(reason)")
            }
            #expect(Probe.leaks(in: records).isEmpty, "\(Probe.leaks(in: records))")
        }
    }
}
