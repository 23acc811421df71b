public import Foundation
public import Logging
public import SwitchboardCore
public import SwitchboardObservability

/// What a ``ChannelAdapter``'s routes use: publishing, storage, tenant secrets, ids and the clock.
public struct ChannelWebhookContext: Sendable {
    /// Publishes inbound envelopes and waits for the broker's acknowledgement.
    public var publisher: InboundPublisher
    /// Profiles, sessions and messages.
    public var database: SwitchboardDatabase
    /// The configured tenants.
    public var tenants: TenantDirectory
    /// Per-tenant API keys (constant-time lookups).
    public var secrets: TenantSecrets
    /// channel-webhook's own settings.
    public var configuration: ChannelWebhookConfiguration
    /// Signature failures and sends, by channel.
    public var outboundMetrics: OutboundMetrics
    /// Signs and checks web chat visitor tokens.
    public var visitorTokens: VisitorTokens
    /// Makes new envelope ids (UUIDv7).
    public var ids: UUIDv7Generator
    /// The current time (tests may fix it).
    public var now: @Sendable () -> Date
    public var logger: Logger

    public init(
        publisher: InboundPublisher, database: SwitchboardDatabase, tenants: TenantDirectory,
        secrets: TenantSecrets, configuration: ChannelWebhookConfiguration,
        outboundMetrics: OutboundMetrics = OutboundMetrics(),
        visitorTokens: VisitorTokens = VisitorTokens(secret: VisitorTokens.randomSecret()),
        ids: UUIDv7Generator = UUIDv7Generator(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.publisher = publisher
        self.database = database
        self.tenants = tenants
        self.secrets = secrets
        self.configuration = configuration
        self.outboundMetrics = outboundMetrics
        self.visitorTokens = visitorTokens
        self.ids = ids
        self.now = now
        self.logger = logger
    }
}
