import Foundation
import SwitchboardCore
import SwitchboardStages

/// One inbound customer message as the vendor would post it to channel-webhook: the route, the body in the
/// vendor's shape with a fresh message id, and the vendor's signature made with the tenant's secret from the
/// environment (the same variables channel-webhook verifies with).
struct SimulatedWebhook {
    var channel: SendChannel
    /// `/webhooks/<route>/<tenant>`.
    var path: String
    /// Content type and signature. Never printed: Telegram's header is the secret token itself.
    var headers: [String: String]
    var body: [UInt8]
    /// The vendor's message id (`wamid`, `mid`, `message_id`, `MessageSid`): `--message-id` sends it again.
    var messageId: String
    /// The id channel-webhook derives from the message id for its envelope (what `trace` and `--wait` follow).
    var envelopeId: UUID?

    /// Placeholders for the business side when the tenant has no sending credentials configured.
    static let placeholderWhatsAppNumber = VendorWebhookBody.Business(id: "100000000000001", address: "15550000001")
    static let placeholderPageId = "100000000000002"
    static let placeholderTwilioNumber = "+15005550006"
    static let placeholderAccountSid = "AC" + String(repeating: "0", count: 32)

    /// Builds and signs the webhook of `channel` (not web chat). Throws a usage failure naming the variable to
    /// set when a secret is missing, or explaining the expected `user` or `messageId` when they do not fit.
    static func make(
        _ channel: SendChannel, tenant: String, user: String, text: String, messageId: String?,
        environment: [String: String], now: Date = Date()
    ) throws(CLIFailure) -> SimulatedWebhook {
        let secrets = try TenantSecrets.forCommand(tenant: tenant, environment: environment)
        func secret(_ name: String, _ what: String) throws(CLIFailure) -> String {
            guard let value = secrets.credential(name, tenantId: tenant) else {
                throw CLIFailure.usage(
                    "set \(TenantSecrets.variableStem(for: tenant))_\(name) (\(what)) to sign "
                        + "\(channel.rawValue) webhooks for tenant \(tenant)")
            }
            return value
        }
        guard !user.isEmpty else { throw CLIFailure.usage("--user is empty") }
        let providers = ProviderConfiguration(variables: environment)
        var webhook = SimulatedWebhook(
            channel: channel, path: "/webhooks/\(channel.route)/\(tenant)", headers: [:], body: [], messageId: "")
        let adapter: any WebhookChannelAdapter
        switch channel {
        case .webchat:
            throw CLIFailure.usage("web chat has no webhook; it is sent through the web chat API")
        case .whatsapp:
            let digits = user.hasPrefix("+") ? String(user.dropFirst()) : user
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else {
                throw CLIFailure.usage("--user for whatsapp is the customer's phone number, e.g. +31612345678")
            }
            let appSecret = try secret("WHATSAPP_APP_SECRET", "the Meta app secret")
            var business = placeholderWhatsAppNumber
            if let id = secrets.credential("WHATSAPP_PHONE_NUMBER_ID", tenantId: tenant) { business.id = id }
            webhook.messageId = messageId ?? "wamid." + Data(("HBgL" + UUID().uuidString).utf8).base64EncodedString()
            webhook.body = VendorWebhookBody.whatsApp(
                waId: digits, name: "switchboard send", wamid: webhook.messageId, text: text, business: business,
                at: now)
            webhook.headers["X-Hub-Signature-256"] = metaSignature(appSecret, webhook.body)
            adapter = WhatsAppAdapter(secrets: secrets, configuration: providers)
        case .messenger:
            let appSecret = try secret("MESSENGER_APP_SECRET", "the Meta app secret")
            webhook.messageId = messageId ?? "m_" + UUID().uuidString.lowercased().filter { $0 != "-" }
            webhook.body = VendorWebhookBody.messenger(
                psid: user, mid: webhook.messageId, text: text, pageId: placeholderPageId, at: now)
            webhook.headers["X-Hub-Signature-256"] = metaSignature(appSecret, webhook.body)
            adapter = MessengerAdapter(secrets: secrets, configuration: providers)
        case .telegram:
            guard let chatId = Int64(user) else {
                throw CLIFailure.usage("--user for telegram is the customer's chat id, a number such as 1111111")
            }
            var number = Int64.random(in: 1...Int64(Int32.max))
            if let messageId {
                guard let given = Int64(messageId) else {
                    throw CLIFailure.usage("--message-id for telegram is a message_id, a number")
                }
                number = given
            }
            let token = try secret("TELEGRAM_SECRET_TOKEN", "the setWebhook secret_token")
            webhook.messageId = String(number)
            webhook.body = VendorWebhookBody.telegram(
                chatId: chatId, name: "switchboard", updateId: Int64.random(in: 1...Int64(Int32.max)),
                messageId: number, text: text, at: now)
            webhook.headers[TelegramAdapter.secretTokenHeader] = token
            adapter = TelegramAdapter(secrets: secrets, providers: providers)
        case .sms, .twilioWhatsApp:
            let token = try secret("TWILIO_AUTH_TOKEN", "the Twilio auth token")
            let twilio = TwilioAdapter(channel: .sms, secrets: secrets, providers: providers)
            guard let url = twilio.publicURL(tenantId: tenant) else {
                throw CLIFailure.usage(
                    "set \(TenantSecrets.variableStem(for: tenant))_TWILIO_PUBLIC_URL or "
                        + "SWITCHBOARD_TWILIO_PUBLIC_BASE_URL (the URL Twilio signs) to sign "
                        + "\(channel.rawValue) webhooks for tenant \(tenant)")
            }
            func address(_ number: String) -> String {
                channel == .twilioWhatsApp && !number.hasPrefix("whatsapp:") ? "whatsapp:" + number : number
            }
            webhook.messageId = messageId ?? "SM" + UUID().uuidString.lowercased().filter { $0 != "-" }
            let pairs = VendorWebhookBody.twilioPairs(
                sid: webhook.messageId,
                accountSid: secrets.credential("TWILIO_ACCOUNT_SID", tenantId: tenant) ?? placeholderAccountSid,
                from: address(user),
                to: address(secrets.credential("TWILIO_FROM", tenantId: tenant) ?? placeholderTwilioNumber),
                text: text, profileName: channel == .twilioWhatsApp ? "switchboard send" : nil)
            webhook.body = VendorWebhookBody.twilioForm(pairs)
            webhook.headers[TwilioAdapter.signatureHeader] = TwilioSignature.expected(
                authToken: token, url: url, form: TwilioForm(body: webhook.body))
            adapter = twilio
        }
        webhook.headers["Content-Type"] =
            channel.route == "sms" ? "application/x-www-form-urlencoded; charset=utf-8" : "application/json"
        // The adapter's own parser says which envelope channel-webhook will make of the body.
        webhook.envelopeId =
            (try? adapter.parse(
                body: webhook.body, headers: [:], tenantId: tenant, receivedAt: now, ids: UUIDv7Generator()))?
            .first?.id
        return webhook
    }

    /// Meta's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body with the app secret.
    static func metaSignature(_ appSecret: String, _ body: [UInt8]) -> String {
        MetaWebhookSecurity.signature(body: body, appSecret: appSecret)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
