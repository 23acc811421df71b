public import Foundation

/// The customer-service window of channels that limit free-form replies: WhatsApp takes a free-form message
/// only within 24 hours of the customer's last message; after that, only an approved template.
public enum ServiceWindow {
    /// How long the window stays open after the customer's last message: 24 hours.
    public static let whatsApp: TimeInterval = 24 * 60 * 60

    /// The window of `channel`, or nil when it takes free-form replies at any time.
    public static func length(of channel: Channel) -> TimeInterval? {
        channel == .whatsapp ? whatsApp : nil
    }

    /// How a reply goes out.
    public enum Decision: Sendable, Hashable {
        /// As written: the channel has no window, or it is open.
        case freeForm
        /// As the tenant's template, the window being closed.
        case template(WhatsAppTemplate)
        /// Not at all: the window is closed and the tenant has no template for it.
        case refused(reason: String)
    }

    /// Whether a window of `length` opened by a customer message at `lastInbound` is open at `now`. It
    /// closes exactly `length` after that message; unknown (nil) counts as closed.
    public static func isOpen(lastInbound: Date?, now: Date, length: TimeInterval) -> Bool {
        guard let lastInbound else { return false }
        return now < lastInbound.addingTimeInterval(length)
    }

    /// How a reply on `channel` goes out at `now`, given the customer's last message there (`lastInbound`,
    /// nil when none is known) and the tenant's template (`template`, nil when it has none).
    public static func decide(
        channel: Channel, lastInbound: Date?, now: Date, template: WhatsAppTemplate?
    ) -> Decision {
        guard let length = length(of: channel), !isOpen(lastInbound: lastInbound, now: now, length: length) else {
            return .freeForm
        }
        if let template { return .template(template) }
        let hours = Int(length / 3600)
        return .refused(
            reason:
                "outside the \(channel.rawValue) customer-service window (no customer message in the last \(hours) h)"
                + " and the tenant has no whatsapp.templates.reengage template")
    }
}
