/// The vendors' own answers that mean the customer opted out (or blocked the business) on a channel, read
/// from the refusal reason the channel adapters record.
public enum VendorOptOut {
    /// Twilio: "Attempt to send to unsubscribed recipient" (the customer replied STOP to the number).
    public static let twilioUnsubscribed = 21610
    /// WhatsApp Cloud API: the customer stopped marketing messages from the business.
    public static let whatsAppStopped = 131050

    /// The vendor's code when `reason` (a ``DeliveryOutcome`` refusal reason: Twilio's `(error <code>)`,
    /// Graph's `(code <code>)`, Telegram's description) says the customer opted out of `channel`, else nil.
    public static func code(in reason: String, channel: Channel) -> String? {
        switch channel {
        case .sms, .whatsapp:
            if reason.contains("(error \(twilioUnsubscribed))") { return String(twilioUnsubscribed) }
            if channel == .whatsapp, reason.contains("(code \(whatsAppStopped))") { return String(whatsAppStopped) }
            return nil
        case .telegram:
            return reason.lowercased().contains("bot was blocked by the user") ? "403" : nil
        case .messenger, .webchat:
            return nil
        }
    }
}
