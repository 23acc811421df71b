import Foundation

/// One message of the fault suite's stream, with the id it is tracked by and what channel-webhook answered.
struct FaultsMessage: Sendable, Codable {
    enum Channel: String, Sendable, Codable {
        case webchat
        case whatsapp
    }

    var index: Int
    var channel: Channel
    /// The envelope id (lower-case UUID): the stored message's `_id` and its reply's `reply_to`.
    var id: String
    /// The trace id in every daemon's log lines about this message.
    var traceId: String
    /// The WhatsApp customer's number (digits only), to which the vendor counts sends.
    var recipient: String?
    /// When the stream meant to send it.
    var due: Date
    /// channel-webhook's HTTP status; 0 when no answer came (refused connection, timeout).
    var status: Int = 0
    var failure: String?

    /// channel-webhook answered 2xx: it took responsibility for the message.
    var accepted: Bool { (200..<300).contains(status) }
}
