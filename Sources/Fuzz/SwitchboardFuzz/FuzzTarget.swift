import Foundation
import SwitchboardCore
import SwitchboardStages

/// The parsers that take bytes from outside: every webhook body and the envelope on every topic. Each is a
/// libFuzzer target (`make fuzz`, deploy/local/fuzz.sh): bad input must end in the parser's own error, never
/// in a trap.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case whatsapp
    case messenger
    case telegram
    case twilioForm = "twilio-form"
    case webChat = "web-chat"
    case rasaRest = "rasa-rest"
    case envelope

    /// Feeds `bytes` to the parser. Its errors are the expected outcome for most inputs and are dropped;
    /// anything else (a trap, an overflow, an out-of-range index) is what the fuzzer reports. So is a broken
    /// promise, turned into a trap here: whatever a parser accepts must be encodable onto a topic, and an
    /// envelope a stage forwards must read back as itself.
    public func run(_ bytes: [UInt8]) {
        let (adapters, tenant, now, ids) = (Self.adapters, "acme", Self.now, Self.ids)
        switch self {
        case .whatsapp:
            Self.expectEncodable(
                try? adapters.whatsapp.parse(body: bytes, headers: [:], tenantId: tenant, receivedAt: now, ids: ids))
        case .messenger:
            Self.expectEncodable(
                try? adapters.messenger.parse(body: bytes, headers: [:], tenantId: tenant, receivedAt: now, ids: ids))
        case .telegram:
            Self.expectEncodable(
                try? adapters.telegram.parse(body: bytes, headers: [:], tenantId: tenant, receivedAt: now, ids: ids))
        case .twilioForm:
            Self.expectEncodable(
                try? adapters.twilio.parse(body: bytes, headers: [:], tenantId: tenant, receivedAt: now, ids: ids))
        case .webChat: _ = try? WebChatMessageRequest(json: Data(bytes), fields: .native)
        case .rasaRest: _ = try? WebChatMessageRequest(json: Data(bytes), fields: .rasa)
        case .envelope: Self.expectStableEncoding(bytes)
        }
    }

    /// Every envelope a webhook parser makes is published after ``InboundValueCheck``: one that cannot be
    /// encoded would fail the webhook with a 5xx on every retry of the vendor, and one the next stage cannot
    /// decode would be accepted and then dead-lettered.
    private static func expectEncodable(_ envelopes: [Envelope]?) {
        let codec = EnvelopeCodec()
        for parsed in envelopes ?? [] {
            let envelope: Envelope
            switch InboundValueCheck.check(parsed) {
            case .accepted(let accepted), .unsupported(let accepted, _): envelope = accepted
            case .dropped: continue
            }
            guard let bytes = try? codec.encode(envelope) else {
                fatalError("a parsed envelope cannot be encoded: \(envelope.id)")
            }
            guard (try? codec.decode(bytes)) != nil else {
                fatalError("a parsed envelope cannot be decoded by the next stage: \(envelope.id)")
            }
        }
    }

    /// A stage decodes its input and re-encodes what it forwards: what decodes must encode, and encoding what
    /// was decoded from that must give the same bytes (no hop changes the envelope).
    private static func expectStableEncoding(_ bytes: [UInt8]) {
        let codec = EnvelopeCodec()
        guard let decoded = try? codec.decode(bytes) else { return }
        guard let once = try? codec.encode(decoded) else { fatalError("a decoded envelope cannot be encoded") }
        guard let again = try? codec.decode(once) else { fatalError("an encoded envelope cannot be decoded") }
        guard (try? codec.encode(again)) == once else { fatalError("re-encoding a forwarded envelope changes it") }
    }

    /// Where libFuzzer starts besides the captured vendor fixtures: inputs built with the same types the
    /// pipeline writes, so the corpus follows the schema as it changes.
    public var seeds: [[UInt8]] {
        switch self {
        case .webChat:
            [
                #"{"conversation_id":"","user_id":"visitor-1","message":"hello","client_message_id":"c-1"}"#,
                #"{"conversation_id":"conv-1","user_id":"visitor-1","message":"where is my parcel?"}"#,
            ].map { Array($0.utf8) }
        case .rasaRest:
            [#"{"sender":"visitor-1","message":"hi"}"#].map { Array($0.utf8) }
        case .envelope:
            Self.sampleEnvelopes.compactMap { try? EnvelopeCodec().encode($0) }
        case .whatsapp, .messenger, .telegram, .twilioForm:
            []
        }
    }

    /// The folder of /work/shared/fixtures/channels whose files seed this target, if any.
    public var fixtureFolder: String? {
        switch self {
        case .whatsapp: "whatsapp"
        case .messenger: "messenger"
        case .telegram: "telegram"
        case .twilioForm: "twilio"
        case .webChat, .rasaRest: "webchat"
        case .envelope: nil
        }
    }

    // Signatures are checked before parsing and are not fuzzed here: the adapters hold no secret keys.
    private static let adapters = Adapters()
    private static let now = Date(timeIntervalSince1970: 1_764_633_600)
    private static let ids = UUIDv7Generator()

    private struct Adapters {
        let whatsapp: WhatsAppAdapter
        let messenger: MessengerAdapter
        let telegram: TelegramAdapter
        let twilio: TwilioAdapter

        init() {
            // The tenant's own WhatsApp number and Facebook page, as in the fixtures: changes for them are parsed
            // in full, others are dropped (both paths get fuzzed).
            let secrets = TenantSecrets(
                tenantIds: ["acme"],
                environment: [
                    "SWITCHBOARD_TENANT_ACME_WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
                    "SWITCHBOARD_TENANT_ACME_MESSENGER_PAGE_ID": "1234567890",
                ])
            let providers = ProviderConfiguration()
            whatsapp = WhatsAppAdapter(secrets: secrets, configuration: providers)
            messenger = MessengerAdapter(secrets: secrets, configuration: providers)
            telegram = TelegramAdapter(secrets: secrets, providers: providers)
            twilio = TwilioAdapter(channel: .sms, secrets: secrets, providers: providers)
        }
    }

    private static var sampleEnvelopes: [Envelope] {
        let inbound = Envelope(
            id: UUID(uuidString: "0192d1a0-0000-7000-8000-000000000001")!, tenantId: "acme", channel: .whatsapp,
            direction: .inbound, channelMessageId: "wamid.1", externalId: "16505551234",
            content: .text("where is my parcel?"), receivedAt: now, traceId: "trace-1")
        var located = inbound
        located.content = .location(.init(latitude: 52.37, longitude: 4.89, name: "Dam", address: "Amsterdam"))
        var media = inbound
        media.content = .media(.init(reference: "media-1", mimeType: "image/jpeg", caption: "the box"))
        let reply = inbound.reply(content: .text("It ships today."), sender: .bot, stage: "nlp-plugin", at: now)
        // A reply with a list row's description, answering a message, with the vendor's fields kept verbatim.
        var extended = inbound
        extended.content = .interactive(.init(payload: "row-1", title: "Express", description: "Next day"))
        extended.relatesTo = "wamid.0"
        extended.channelExtensions = [
            "referral": .object(["source_type": .string("ad"), "ctwa_clid": .string("Afe6")]),
            "context": .object(["forwarded": .bool(true)]),
            "entities": .array([.object(["offset": .number(0), "length": .number(7)])]),
        ]
        return [inbound, located, media, reply, extended]
    }
}
