import Crypto
import Foundation

/// One place a tenant's hand-over notifications go: a signed webhook, an email or an SMS, and the events it
/// wants. See ``TenantNotificationSettings`` for the file format.
public struct NotificationTarget: Sendable, Hashable, Codable {
    /// A stable name of the target: the first 16 hex digits of the SHA-256 of its type and destination (not its
    /// events). Which targets a notification is finished with is recorded by this key, so reordering the
    /// tenants file's targets while notifications are pending neither skips one nor sends one twice.
    public var key: String {
        var destinationOnly = self
        destinationOnly.events = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(destinationOnly)) ?? Data(kind.utf8)
        return SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Where and how.
    public enum Destination: Sendable, Hashable {
        case webhook(WebhookTarget)
        case email(EmailTarget)
        case sms(SMSTarget)
    }

    /// The events that notify this target. Default both.
    public var events: Set<HandoverNotificationEvent>
    public var destination: Destination

    public init(
        _ destination: Destination, events: Set<HandoverNotificationEvent> = Set(HandoverNotificationEvent.allCases)
    ) {
        self.destination = destination
        self.events = events
    }

    /// `webhook`, `email` or `sms`: a metric label and log value.
    public var kind: String {
        switch destination {
        case .webhook: "webhook"
        case .email: "email"
        case .sms: "sms"
        }
    }

    /// What is wrong with the target, or nil.
    var problem: String? {
        if events.isEmpty { return "events must name handover_started, handover_escalated or both" }
        switch destination {
        case .webhook(let webhook): return webhook.problem
        case .email(let email): return email.problem
        case .sms(let sms): return sms.problem
        }
    }

    /// `url` when it is an absolute http or https URL with a host.
    static func httpURL(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }

    /// Whether `name` can name a tenant secret: letters, digits and `_`.
    static func isSecretName(_ name: String) -> Bool {
        TenantSecretsFile.variableName(name) != nil
    }

    enum CodingKeys: String, CodingKey {
        case type, events
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        events =
            try container.decodeIfPresent(Set<HandoverNotificationEvent>.self, forKey: .events)
            ?? Set(HandoverNotificationEvent.allCases)
        switch type {
        case "webhook": destination = .webhook(try WebhookTarget(from: decoder))
        case "email": destination = .email(try EmailTarget(from: decoder))
        case "sms": destination = .sms(try SMSTarget(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "type must be webhook, email or sms")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .type)
        try container.encode(events.map(\.rawValue).sorted(), forKey: .events)
        switch destination {
        case .webhook(let webhook): try webhook.encode(to: encoder)
        case .email(let email): try email.encode(to: encoder)
        case .sms(let sms): try sms.encode(to: encoder)
        }
    }
}

/// The hand-over events a tenant can be notified of.
public enum HandoverNotificationEvent: String, Sendable, Hashable, Codable, CaseIterable {
    /// A hand-over was opened: the customer waits for a person.
    case handoverStarted = "handover_started"
    /// Nobody claimed it within the tenant's assign timeout.
    case handoverEscalated = "handover_escalated"
}

/// A signed outgoing webhook (`type: webhook`).
public struct WebhookTarget: Sendable, Hashable, Codable {
    /// Where the event is POSTed: an http(s) URL.
    public var url: String
    /// The name of the tenant secret that signs the body. Default `NOTIFY_WEBHOOK_SECRET`
    /// (`SWITCHBOARD_TENANT_<ID>_NOTIFY_WEBHOOK_SECRET`).
    public var secret: String

    public static let defaultSecret = "NOTIFY_WEBHOOK_SECRET"

    public init(url: String, secret: String = WebhookTarget.defaultSecret) {
        self.url = url
        self.secret = secret
    }

    var problem: String? {
        if NotificationTarget.httpURL(url) == nil { return "url must be an http(s) URL" }
        if !NotificationTarget.isSecretName(secret) { return "secret must name a tenant secret (letters, digits, _)" }
        return nil
    }

    enum CodingKeys: String, CodingKey { case url, secret }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        secret = try container.decodeIfPresent(String.self, forKey: .secret) ?? Self.defaultSecret
    }
}

/// An email through the tenant's SMTP server (`type: email`).
public struct EmailTarget: Sendable, Hashable, Codable {
    /// How the connection to the server is protected.
    public enum TLSMode: String, Sendable, Hashable, Codable {
        /// Upgrade with STARTTLS and verify the server's certificate; refuse a server that does not offer it.
        case starttls
        /// Plain text: only for a relay on the same host or network.
        case none
    }

    /// The SMTP server.
    public var host: String
    /// Its port. Default 587 (submission).
    public var port: Int
    /// Default `starttls`.
    public var tls: TLSMode
    /// The sender address.
    public var from: String
    /// The recipients: 1 to 20 addresses.
    public var to: [String]
    /// The tenant secret holding the SMTP user name; with no such secret, no AUTH. Default `SMTP_USERNAME`.
    public var usernameSecret: String
    /// The tenant secret holding the SMTP password. Default `SMTP_PASSWORD`.
    public var passwordSecret: String

    public init(
        host: String, port: Int = 587, tls: TLSMode = .starttls, from: String, to: [String],
        usernameSecret: String = "SMTP_USERNAME", passwordSecret: String = "SMTP_PASSWORD"
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.from = from
        self.to = to
        self.usernameSecret = usernameSecret
        self.passwordSecret = passwordSecret
    }

    /// Whether `address` is a plain mailbox `local@domain` that cannot break an SMTP command or a header:
    /// printable ASCII without spaces, `<`, `>`, `,`, `;`, quotes or backslashes, one `@` with text on both sides.
    public static func isPlainAddress(_ address: String) -> Bool {
        guard address.utf8.count <= 254, address.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }),
            !address.contains(where: { "<>,;\"\\()[]:".contains($0) })
        else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
    }

    var problem: String? {
        let hostOK = !host.isEmpty && host.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && $0 != "/" }
        if !hostOK { return "host must be a host name or address" }
        if !(1...65535).contains(port) { return "port must be 1 to 65535" }
        if !Self.isPlainAddress(from) { return "from must be a plain address like desk@example.com" }
        if to.isEmpty || to.count > 20 { return "to must list 1 to 20 addresses" }
        if !to.allSatisfy(Self.isPlainAddress) { return "every to address must be a plain address" }
        if !NotificationTarget.isSecretName(usernameSecret) || !NotificationTarget.isSecretName(passwordSecret) {
            return "username_secret and password_secret must name tenant secrets (letters, digits, _)"
        }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case host, port, tls, from, to
        case usernameSecret = "username_secret"
        case passwordSecret = "password_secret"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.decode(String.self, forKey: .host)
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? 587
        tls = try container.decodeIfPresent(TLSMode.self, forKey: .tls) ?? .starttls
        from = try container.decode(String.self, forKey: .from)
        to = try container.decode([String].self, forKey: .to)
        usernameSecret = try container.decodeIfPresent(String.self, forKey: .usernameSecret) ?? "SMTP_USERNAME"
        passwordSecret = try container.decodeIfPresent(String.self, forKey: .passwordSecret) ?? "SMTP_PASSWORD"
    }
}

/// An SMS through the tenant's Twilio account (`type: sms`): the account SID and auth token are the tenant
/// secrets `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN`, the same the Twilio channel uses.
public struct SMSTarget: Sendable, Hashable, Codable {
    /// The numbers to text, E.164 (`+4915112345678`): 1 to 20.
    public var to: [String]
    /// The sending number; default the tenant secret `TWILIO_FROM`.
    public var from: String?

    public init(to: [String], from: String? = nil) {
        self.to = to
        self.from = from
    }

    /// `+` and 6 to 15 digits.
    public static func isPhoneNumber(_ text: String) -> Bool {
        text.hasPrefix("+") && (7...16).contains(text.count)
            && text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    var problem: String? {
        if to.isEmpty || to.count > 20 { return "to must list 1 to 20 numbers" }
        if !to.allSatisfy(Self.isPhoneNumber) { return "every to number must be E.164, like +4915112345678" }
        if let from, !Self.isPhoneNumber(from) { return "from must be E.164, like +4915112345678" }
        return nil
    }
}
