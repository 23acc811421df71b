/// A messaging channel a customer writes from.
public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    case webchat
    case whatsapp
    case telegram
    case sms
    case messenger

    /// Whether the channel's external id is the customer's phone number (so it can match profiles by phone).
    public var externalIdIsPhoneNumber: Bool {
        self == .whatsapp || self == .sms
    }
}

/// Whether a message comes from the customer or goes to the customer.
public enum Direction: String, Sendable, Hashable, Codable {
    case inbound
    case outbound
}

/// What an envelope carries.
public enum MessageKind: String, Sendable, Hashable, Codable {
    /// A new message with content.
    case message
    /// An edit of an earlier message (`relatesTo` names the channel message id edited).
    case edit
    /// A reaction (emoji as text content) to an earlier message (`relatesTo`).
    case reaction
    /// Something the channel sent that Switchboard cannot represent (e.g. a sticker type it does not know).
    case unsupported
    /// A delivery/read receipt for an outbound message (`deliveryStatus` is set).
    case deliveryStatus = "delivery_status"
    /// A typing indicator or read receipt for the customer (`senderActions` is set; outbound only): not a
    /// message, never stored or counted, dropped when stale.
    case senderAction = "sender_action"
}
