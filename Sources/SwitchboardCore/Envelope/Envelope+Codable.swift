import Foundation

extension Envelope: Codable {
    enum Key: String, CaseIterable {
        case id, version, channel, direction, kind, content, sender, annotations
        case tenantId = "tenant_id"
        case channelMessageId = "channel_message_id"
        case externalId = "external_id"
        case customerId = "customer_id"
        case sessionId = "session_id"
        case conversationId = "conversation_id"
        case sequence, provider
        case sessionOwner = "session_owner"
        case channelTimestamp = "channel_timestamp"
        case receivedAt = "received_at"
        case traceId = "trace_id"
        case replyTo = "reply_to"
        case relatesTo = "relates_to"
        case deliveryStatus = "delivery_status"
        case senderActions = "sender_actions"

        var codingKey: AnyCodingKey { AnyCodingKey(rawValue) }
        static let all = Set(allCases.map(\.rawValue))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        func required<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
            try container.decode(type, forKey: key.codingKey)
        }
        func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
            try container.decodeIfPresent(type, forKey: key.codingKey)
        }

        let version = try required(Int.self, .version)
        guard version >= 1 else {
            throw EnvelopeDecodingError(.invalidField("version", "must be 1 or greater, got \(version)"))
        }
        guard version <= Envelope.currentVersion else {
            throw EnvelopeDecodingError(.unsupportedVersion(version))
        }
        self.version = version
        id = try required(UUID.self, .id)
        tenantId = try required(String.self, .tenantId)
        guard !tenantId.isEmpty else { throw EnvelopeDecodingError(.invalidField("tenant_id", "is empty")) }
        channel = try required(Channel.self, .channel)
        direction = try required(Direction.self, .direction)
        kind = try optional(MessageKind.self, .kind) ?? .message
        channelMessageId = try optional(String.self, .channelMessageId)
        externalId = try required(String.self, .externalId)
        guard !externalId.isEmpty else { throw EnvelopeDecodingError(.invalidField("external_id", "is empty")) }
        customerId = try optional(String.self, .customerId)
        sessionId = try optional(String.self, .sessionId)
        conversationId = try optional(String.self, .conversationId)
        sequence = try optional(Int64.self, .sequence)
        sessionOwner = try optional(SessionOwner.self, .sessionOwner)
        provider = try optional(String.self, .provider)
        content = try optional(Content.self, .content)
        channelTimestamp = try optional(Date.self, .channelTimestamp)
        receivedAt = try required(Date.self, .receivedAt)
        traceId = try required(String.self, .traceId)
        sender = try optional(Sender.self, .sender)
        replyTo = try optional(UUID.self, .replyTo)
        relatesTo = try optional(String.self, .relatesTo)
        deliveryStatus = try optional(DeliveryStatus.self, .deliveryStatus)
        senderActions = try optional([SenderAction].self, .senderActions)
        annotations = try optional(Annotations.self, .annotations) ?? Annotations()
        unknownFields = try container.unknownFields(excluding: Key.all)

        if kind == .message, content == nil {
            throw EnvelopeDecodingError(.missingField("content"))
        }
        if kind == .deliveryStatus, deliveryStatus == nil {
            throw EnvelopeDecodingError(.missingField("delivery_status"))
        }
        if kind == .senderAction, senderActions?.isEmpty ?? true {
            throw EnvelopeDecodingError(.missingField("sender_actions"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(id.uuidString.lowercased(), forKey: Key.id.codingKey)
        try container.encode(version, forKey: Key.version.codingKey)
        try container.encode(tenantId, forKey: Key.tenantId.codingKey)
        try container.encode(channel, forKey: Key.channel.codingKey)
        try container.encode(direction, forKey: Key.direction.codingKey)
        try container.encode(kind, forKey: Key.kind.codingKey)
        try container.encodeIfPresent(channelMessageId, forKey: Key.channelMessageId.codingKey)
        try container.encode(externalId, forKey: Key.externalId.codingKey)
        try container.encodeIfPresent(customerId, forKey: Key.customerId.codingKey)
        try container.encodeIfPresent(sessionId, forKey: Key.sessionId.codingKey)
        try container.encodeIfPresent(conversationId, forKey: Key.conversationId.codingKey)
        try container.encodeIfPresent(sequence, forKey: Key.sequence.codingKey)
        try container.encodeIfPresent(sessionOwner, forKey: Key.sessionOwner.codingKey)
        try container.encodeIfPresent(provider, forKey: Key.provider.codingKey)
        try container.encodeIfPresent(content, forKey: Key.content.codingKey)
        try container.encodeIfPresent(channelTimestamp, forKey: Key.channelTimestamp.codingKey)
        try container.encode(receivedAt, forKey: Key.receivedAt.codingKey)
        try container.encode(traceId, forKey: Key.traceId.codingKey)
        try container.encodeIfPresent(sender, forKey: Key.sender.codingKey)
        try container.encodeIfPresent(replyTo?.uuidString.lowercased(), forKey: Key.replyTo.codingKey)
        try container.encodeIfPresent(relatesTo, forKey: Key.relatesTo.codingKey)
        try container.encodeIfPresent(deliveryStatus, forKey: Key.deliveryStatus.codingKey)
        try container.encodeIfPresent(senderActions, forKey: Key.senderActions.codingKey)
        try container.encode(annotations, forKey: Key.annotations.codingKey)
        try container.encodeUnknownFields(unknownFields, excluding: Key.all)
    }
}
