public import Foundation
import SwitchboardKafka
import SwitchboardRuntime

/// channel-webhook's own settings, read once from the daemon environment.
public struct ChannelWebhookConfiguration: Sendable {
    /// Largest accepted web chat request body. `SWITCHBOARD_WEBCHAT_MAX_BODY_BYTES`, default 65 536.
    public var maxBodyBytes: Int
    /// Largest accepted provider webhook body (WhatsApp, Messenger, Telegram, Twilio); 413 above it.
    /// `SWITCHBOARD_WEBHOOK_MAX_BODY_BYTES`, default 524 288 (512 KiB): below the broker's record limit
    /// (``recordLimitBytes``) with room for the envelope around the message. It must be below that limit; a
    /// body under it whose envelope still does not fit in a record gets 413 from the publisher.
    public var webhookMaxBodyBytes = 512 * 1024
    /// The largest record the broker takes: the Kafka producer's `message.max.bytes`
    /// (`SWITCHBOARD_KAFKA_PROPERTIES`), default 1 000 000.
    public var recordLimitBytes = KafkaConfiguration.defaultRecordLimitBytes
    /// The broker-outage spool (``InboundSpool``): `SWITCHBOARD_SPOOL_DIR` (default none: no spool),
    /// `SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS` (2 000), `SWITCHBOARD_SPOOL_MAX_BYTES` (256 MiB).
    public var spool = InboundSpoolConfiguration()
    /// How long `POST /api/v1/messages` waits for the reply before answering 202.
    /// `SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS`, default 2 000.
    public var replyWait: Duration
    /// How often a web chat stream reads the store for replies another instance delivered; zero turns it
    /// off (one channel-webhook instance). `SWITCHBOARD_WEBCHAT_STREAM_POLL_MS`, default 1 000.
    public var streamPoll: Duration
    /// Longest silence on a web chat stream before a heartbeat comment.
    /// `SWITCHBOARD_WEBCHAT_STREAM_HEARTBEAT_MS`, default 15 000.
    public var streamHeartbeat: Duration
    /// Origins whose pages may call the web chat API (a widget on the business's site), exact
    /// (`https://shop.example.com`) or `*`. `SWITCHBOARD_WEBCHAT_ALLOWED_ORIGINS`, comma-separated; default
    /// none (same origin only).
    public var allowedOrigins: [String] = []
    /// Whether `GET /webchat` serves a small chat page for trying the API in a browser.
    /// `SWITCHBOARD_WEBCHAT_DEMO_PAGE` (`true`/`false`), default false.
    public var demoPage = false
    /// The key that signs web chat visitor tokens (``VisitorTokens``), at least 32 bytes; every instance
    /// needs the same one. `SWITCHBOARD_WEBCHAT_TOKEN_SECRET`; default none: the daemon makes a random key
    /// and warns that tokens will not outlive it nor pass between instances.
    public var visitorTokenSecret: [UInt8]? = nil
    /// How long a visitor token stays valid; each answer carries a fresh one.
    /// `SWITCHBOARD_WEBCHAT_TOKEN_TTL_S`, default 604 800 (7 days).
    public var visitorTokenLifetime: TimeInterval = 7 * 24 * 3600
    /// Web chat requests (messages, history, streams) per second per tenant, with bursts of twice that;
    /// above it, 429 with `Retry-After`. `SWITCHBOARD_WEBCHAT_RATE_PER_TENANT`, default 1 000; 0 turns it off.
    public var webChatRatePerTenant: Double = 1000
    /// The same per client address. `SWITCHBOARD_WEBCHAT_RATE_PER_ADDRESS`, default 50; 0 turns it off (behind
    /// a proxy every client has the proxy's address: limit there instead).
    public var webChatRatePerAddress: Double = 50
    /// Web chat requests that read the database, in flight per tenant; above it, 503 with `Retry-After`.
    /// `SWITCHBOARD_WEBCHAT_DB_PER_TENANT`, default 8.
    public var webChatDatabasePerTenant = 8
    /// Reply streams open at once per conversation, per tenant and in the process; above them, 429 with
    /// `Retry-After`. `SWITCHBOARD_WEBCHAT_STREAMS_PER_CONVERSATION` (default 16),
    /// `SWITCHBOARD_WEBCHAT_STREAMS_PER_TENANT` (2 000) and `SWITCHBOARD_WEBCHAT_STREAMS` (10 000).
    public var streamsPerConversation = 16
    public var streamsPerTenant = 2000
    public var streams = 10_000

    public init(
        maxBodyBytes: Int = 64 * 1024, replyWait: Duration = .milliseconds(2000),
        streamPoll: Duration = .milliseconds(1000), streamHeartbeat: Duration = .seconds(15)
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.replyWait = replyWait
        self.streamPoll = streamPoll
        self.streamHeartbeat = streamHeartbeat
    }

    /// Reads the `SWITCHBOARD_WEBCHAT_*` and `SWITCHBOARD_WEBHOOK_MAX_BODY_BYTES` variables over the defaults.
    public init(environment: DaemonEnvironment) throws {
        self.init()
        spool = try InboundSpoolConfiguration(variables: environment.variables)
        replyWait = try environment.milliseconds("SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS", default: replyWait)
        streamPoll = try environment.milliseconds("SWITCHBOARD_WEBCHAT_STREAM_POLL_MS", default: streamPoll)
        streamHeartbeat = try environment.milliseconds(
            "SWITCHBOARD_WEBCHAT_STREAM_HEARTBEAT_MS", default: streamHeartbeat)
        allowedOrigins = (environment.variables["SWITCHBOARD_WEBCHAT_ALLOWED_ORIGINS"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        switch environment.variables["SWITCHBOARD_WEBCHAT_DEMO_PAGE"]?.lowercased() {
        case nil, "", "false", "0", "no": demoPage = false
        case "true", "1", "yes": demoPage = true
        default: throw SettingsError(reason: "SWITCHBOARD_WEBCHAT_DEMO_PAGE must be true or false")
        }
        guard streamHeartbeat > .zero else {
            throw SettingsError(reason: "SWITCHBOARD_WEBCHAT_STREAM_HEARTBEAT_MS must be more than zero")
        }
        if let secret = environment.variables["SWITCHBOARD_WEBCHAT_TOKEN_SECRET"], !secret.isEmpty {
            guard secret.utf8.count >= 32 else {
                throw SettingsError(reason: "SWITCHBOARD_WEBCHAT_TOKEN_SECRET must be at least 32 bytes")
            }
            visitorTokenSecret = Array(secret.utf8)
        }
        visitorTokenLifetime = TimeInterval(
            try Self.bytes("SWITCHBOARD_WEBCHAT_TOKEN_TTL_S", environment, default: Int(visitorTokenLifetime)))
        webChatRatePerTenant = try Self.rate("SWITCHBOARD_WEBCHAT_RATE_PER_TENANT", environment, webChatRatePerTenant)
        webChatRatePerAddress = try Self.rate(
            "SWITCHBOARD_WEBCHAT_RATE_PER_ADDRESS", environment, webChatRatePerAddress)
        webChatDatabasePerTenant = try Self.bytes(
            "SWITCHBOARD_WEBCHAT_DB_PER_TENANT", environment, default: webChatDatabasePerTenant)
        streamsPerConversation = try Self.bytes(
            "SWITCHBOARD_WEBCHAT_STREAMS_PER_CONVERSATION", environment, default: streamsPerConversation)
        streamsPerTenant = try Self.bytes(
            "SWITCHBOARD_WEBCHAT_STREAMS_PER_TENANT", environment, default: streamsPerTenant)
        streams = try Self.bytes("SWITCHBOARD_WEBCHAT_STREAMS", environment, default: streams)
        maxBodyBytes = try Self.bytes("SWITCHBOARD_WEBCHAT_MAX_BODY_BYTES", environment, default: maxBodyBytes)
        webhookMaxBodyBytes = try Self.bytes(
            "SWITCHBOARD_WEBHOOK_MAX_BODY_BYTES", environment, default: webhookMaxBodyBytes)
        recordLimitBytes = environment.kafka.recordLimitBytes
        for (variable, value) in [
            ("SWITCHBOARD_WEBHOOK_MAX_BODY_BYTES", webhookMaxBodyBytes),
            ("SWITCHBOARD_WEBCHAT_MAX_BODY_BYTES", maxBodyBytes),
        ] where value >= recordLimitBytes {
            throw SettingsError(
                reason: """
                    \(variable) (\(value)) must be below the broker's record limit (message.max.bytes, \
                    \(recordLimitBytes)): a body that size could never be published
                    """)
        }
    }

    private static func rate(_ variable: String, _ environment: DaemonEnvironment, _ fallback: Double) throws -> Double
    {
        guard let text = environment.variables[variable], !text.isEmpty else { return fallback }
        guard let value = Double(text), value >= 0, value.isFinite else {
            throw SettingsError(reason: "\(variable) must be a number of requests per second, 0 for no limit")
        }
        return value
    }

    private static func bytes(_ variable: String, _ environment: DaemonEnvironment, default fallback: Int) throws -> Int
    {
        guard let text = environment.variables[variable], !text.isEmpty else { return fallback }
        guard let value = Int(text), value > 0 else {
            throw SettingsError(reason: "\(variable) must be a positive whole number")
        }
        return value
    }
}
