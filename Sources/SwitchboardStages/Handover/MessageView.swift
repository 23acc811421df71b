public import Foundation
import SwitchboardCore

/// A stored message as the agent API shows it.
public struct MessageView: Sendable, Hashable, Codable {
    public var id: String
    /// `inbound` (from the customer) or `outbound`.
    public var direction: String
    /// `customer`, `bot`, `agent` or `system`.
    public var sender: String
    /// For agent messages: who wrote it.
    public var agentId: String?
    /// `text`, `media`, `location`, `interactive`, `contact`; nil for messages without content.
    public var contentType: String?
    /// The message's text (a media caption, a button title), if it has any.
    public var text: String?
    /// Position in the session, when the session stage assigned one.
    public var sequence: Int64?
    public var createdAt: Date
    /// Delivery state of outbound messages (`received`, `sent`, `delivered`, `failed`).
    public var status: String
    /// The channel it came or went on (`webchat`, `whatsapp`, ...).
    public var channel: String
    /// The session it belongs to.
    public var sessionId: String?
    /// What the bot understood, where it did: the intent and its confidence (0 to 1).
    public var intent: String?
    public var confidence: Double?
    /// Inbound media: where the desk reads it, or why it cannot.
    public var media: MediaView?

    public init(_ message: MessageStore.StoredMessage) {
        let envelope = message.envelope
        id = message._id
        direction = message.direction
        switch envelope.sender {
        case nil: sender = envelope.direction == .inbound ? "customer" : "system"
        case .bot: sender = "bot"
        case .system: sender = "system"
        case .agent(let id):
            sender = "agent"
            agentId = id
        }
        contentType = envelope.content?.typeName
        text = envelope.content?.textForUnderstanding
        sequence = message.sequence ?? envelope.sequence
        createdAt = message.created_at
        status = message.status
        channel = message.channel
        sessionId = message.session_id
        intent = envelope.annotations.intent
        confidence = envelope.annotations.confidence
        media = MediaView(message)
    }

    enum CodingKeys: String, CodingKey {
        case id, direction, sender, text, sequence, status, channel, intent, confidence, media
        case sessionId = "session_id"
        case agentId = "agent_id"
        case contentType = "content_type"
        case createdAt = "created_at"
    }
}
