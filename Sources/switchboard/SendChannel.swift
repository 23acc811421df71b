import ArgumentParser

/// The channels `switchboard send` can post as a customer of: web chat through its API, the others as the
/// vendor's signed webhook.
enum SendChannel: String, CaseIterable, ExpressibleByArgument {
    case webchat
    case whatsapp
    case messenger
    case telegram
    case sms
    /// WhatsApp carried by Twilio: Twilio's form with `whatsapp:` addresses, on the SMS route.
    case twilioWhatsApp = "twilio-whatsapp"

    /// The `<channel>` of `/webhooks/<channel>/<tenant>`: Twilio posts SMS and WhatsApp alike to the `sms` route.
    var route: String {
        switch self {
        case .sms, .twilioWhatsApp: "sms"
        default: rawValue
        }
    }
}
