public import Hummingbird
public import SwitchboardCore

/// One messaging channel: how its messages come in (HTTP routes) and how replies go out (`deliver`).
///
/// Each channel is one type in one file. channel-webhook adds every registered adapter's routes to its
/// HTTP application and hands each outbound envelope to the adapter of its ``Envelope/channel``.
///
/// Inbound: a route turns the request into zero or more envelopes (a provider may batch several messages
/// and delivery statuses into one POST) and publishes them with ``ChannelWebhookContext/publisher``, which
/// returns only once the broker has them; the route answers 2xx only after that. Provider webhooks with a
/// signature over the raw body implement ``WebhookChannelAdapter`` instead and get the route for free.
///
/// Outbound: ``deliver(_:)`` sends one reply. Channels that deliver inside this process (web chat) set
/// ``deliversLocally``; the outbound stage then stores the reply as `delivered` before delivering it, and
/// delivers it only the first time it is stored. Remote channels are stored as `pending` first and
/// delivered until an outcome other than ``DeliveryOutcome/retriableFailure(reason:)`` is recorded.
public protocol ChannelAdapter: Sendable {
    /// The channel this adapter serves.
    var channel: Channel { get }

    /// Whether delivery happens inside this process and cannot fail (web chat). Default false.
    var deliversLocally: Bool { get }

    /// Adds the channel's inbound routes (and any others it serves, such as history) to `router`.
    func addRoutes(to router: Router<ChannelRequestContext>, context: ChannelWebhookContext)

    /// Sends one outbound envelope to the customer.
    ///
    /// Return an outcome rather than throwing for anything the provider answered; a thrown error is treated
    /// like ``DeliveryOutcome/retriableFailure(reason:)``.
    func deliver(_ envelope: Envelope) async throws -> DeliveryOutcome
}

extension ChannelAdapter {
    public var deliversLocally: Bool { false }
}
