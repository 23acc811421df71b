public import Foundation

/// The one message format used on every Switchboard topic. See `docs/envelope.md`.
///
/// Versioning: additive changes keep ``currentVersion``; fields this version does not know are kept in
/// ``unknownFields`` and written back by ``EnvelopeCodec``, so a stage re-emitting an envelope never
/// drops what a newer stage added.
public struct Envelope: Sendable, Hashable {
    /// The envelope format version this library writes and understands.
    public static let currentVersion = 1

    /// Time-ordered id of this envelope (UUIDv7 for new messages, derived for replies).
    public var id: UUID
    /// Format version, ``currentVersion`` when created here.
    public var version: Int
    /// The tenant the message belongs to.
    public var tenantId: String
    /// The channel the customer uses.
    public var channel: Channel
    /// From the customer (`inbound`) or to the customer (`outbound`).
    public var direction: Direction
    /// What the envelope carries.
    public var kind: MessageKind
    /// The channel's own id for this message, if it has one.
    public var channelMessageId: String?
    /// The customer's address on the channel (phone number, chat id, PSID, webchat visitor id).
    public var externalId: String
    /// Set by customer-identification.
    public var customerId: String?
    /// Set by the session stage.
    public var sessionId: String?
    /// The channel's conversation or thread the message belongs to (web chat's `conversation_id`; for
    /// one-to-one channels the customer's address). Set by channel-webhook.
    public var conversationId: String?
    /// The message's position in its session (0, 1, 2, ...), set by the session stage when it stores it.
    public var sequence: Int64?
    /// Who owned the session when the session stage handled the message; the router reads it.
    public var sessionOwner: SessionOwner?
    /// The provider that carried an inbound message where a channel has several (`meta` or `twilio` for
    /// WhatsApp, `twilio` for SMS); set by channel-webhook. A reply carries it on, so it goes out the same way.
    public var provider: String?
    /// The message content; absent for kinds like `delivery_status`.
    public var content: Content?
    /// When the channel says the message was sent.
    public var channelTimestamp: Date?
    /// When Switchboard received (inbound) or created (outbound) the message.
    public var receivedAt: Date
    /// Correlation id, also in the `switchboard-trace-id` Kafka header.
    public var traceId: String
    /// Who wrote an outbound message.
    public var sender: Sender?
    /// For outbound replies: the id of the inbound envelope answered.
    public var replyTo: UUID?
    /// For edits, reactions and delivery statuses: the channel message id referred to.
    public var relatesTo: String?
    /// For `delivery_status` envelopes.
    public var deliveryStatus: DeliveryStatus?
    /// For `sender_action` envelopes: what to show the customer, in order (``SenderAction``); `relatesTo`
    /// names the customer's channel message it is about.
    public var senderActions: [SenderAction]?
    /// Per-stage annotations.
    public var annotations: Annotations
    /// Top-level keys written by newer stages, preserved verbatim.
    public var unknownFields: [String: JSONValue]

    /// Creates an envelope.
    public init(
        id: UUID,
        version: Int = Envelope.currentVersion,
        tenantId: String,
        channel: Channel,
        direction: Direction,
        kind: MessageKind = .message,
        channelMessageId: String? = nil,
        externalId: String,
        customerId: String? = nil,
        sessionId: String? = nil,
        content: Content? = nil,
        channelTimestamp: Date? = nil,
        receivedAt: Date,
        traceId: String,
        sender: Sender? = nil,
        replyTo: UUID? = nil,
        relatesTo: String? = nil,
        deliveryStatus: DeliveryStatus? = nil,
        annotations: Annotations = Annotations(),
        unknownFields: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.version = version
        self.tenantId = tenantId
        self.channel = channel
        self.direction = direction
        self.kind = kind
        self.channelMessageId = channelMessageId
        self.externalId = externalId
        self.customerId = customerId
        self.sessionId = sessionId
        self.conversationId = nil
        self.sequence = nil
        self.sessionOwner = nil
        self.provider = nil
        self.content = content
        self.channelTimestamp = channelTimestamp
        self.receivedAt = receivedAt
        self.traceId = traceId
        self.sender = sender
        self.replyTo = replyTo
        self.relatesTo = relatesTo
        self.deliveryStatus = deliveryStatus
        self.senderActions = nil
        self.annotations = annotations
        self.unknownFields = unknownFields
    }

    /// Builds the outbound reply to this (inbound) envelope.
    ///
    /// The reply's id is derived from this envelope's id and `stage`, so a redelivered inbound message
    /// produces the same reply id and the outbound stage can drop the duplicate.
    public func reply(
        content: Content, sender: Sender, stage: String, at now: Date
    ) -> Envelope {
        var reply = Envelope(
            id: DerivedID.make(from: id, name: stage),
            tenantId: tenantId,
            channel: channel,
            direction: .outbound,
            kind: .message,
            externalId: externalId,
            customerId: customerId,
            sessionId: sessionId,
            content: content,
            receivedAt: now,
            traceId: traceId,
            sender: sender,
            replyTo: id
        )
        reply.annotations = annotations
        reply.conversationId = conversationId
        reply.provider = provider
        // The number of the message it answers: the session's numbers count the customer's messages, which
        // only the session stage (their partition's owner) hands out; a reply sorts after its message by time.
        reply.sequence = sequence
        reply.channelTimestamp = nil
        return reply
    }

    /// The Kafka partition key for this envelope: by customer id once known, else by channel address.
    public var partitionKey: PartitionKey {
        if let customerId {
            PartitionKey.customer(tenantId: tenantId, customerId: customerId)
        } else {
            PartitionKey.inbound(tenantId: tenantId, channel: channel, externalId: externalId)
        }
    }
}
