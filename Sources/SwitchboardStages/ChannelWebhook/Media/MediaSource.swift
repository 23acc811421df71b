import Foundation
public import SwitchboardCore

/// Where a message's media is fetched from, and with which credentials: the first request of each vendor's
/// way. Built without I/O (``plan(for:media:secrets:endpoints:)``), so each vendor's request shape is
/// unit-tested.
public enum MediaSource: Sendable {
    /// WhatsApp Cloud API: `GET {base}/{version}/{media-id}` with the bearer token answers
    /// `{url, mime_type, sha256, file_size}`; then `GET url` with the same token.
    case whatsAppCloud(lookup: ProviderHTTPRequest)
    /// Telegram: `getFile?file_id=` answers `result.file_path`; then `GET {fileBase}/{file_path}`.
    case telegram(getFile: ProviderHTTPRequest, fileBase: String)
    /// One download (Messenger's attachment URL; Twilio's `MediaUrl` with basic auth), following redirects.
    case direct(ProviderHTTPRequest)

    /// The vendor endpoints, the same the outbound providers use (`SWITCHBOARD_<PROVIDER>_API_BASE`).
    public struct Endpoints: Sendable {
        public var whatsAppBase: String
        public var whatsAppVersion: String
        public var telegramBase: String
        public var twilioBase: String

        public init(
            whatsAppBase: String = "https://graph.facebook.com", whatsAppVersion: String = "v21.0",
            telegramBase: String = "https://api.telegram.org", twilioBase: String = "https://api.twilio.com"
        ) {
            self.whatsAppBase = whatsAppBase
            self.whatsAppVersion = whatsAppVersion
            self.telegramBase = telegramBase
            self.twilioBase = twilioBase
        }

        public init(_ providers: ProviderConfiguration) {
            self.init(
                whatsAppBase: providers.apiBase("whatsapp", default: "https://graph.facebook.com"),
                whatsAppVersion: providers.value("whatsapp", "API_VERSION", default: "v21.0"),
                telegramBase: providers.apiBase("telegram", default: "https://api.telegram.org"),
                twilioBase: providers.apiBase("twilio", default: "https://api.twilio.com"))
        }
    }

    /// Whether a message of this channel and provider carries media this fetches (web chat's does not).
    public static func fetches(_ envelope: Envelope) -> Bool {
        guard envelope.direction == .inbound, case .media = envelope.content else { return false }
        return envelope.channel != .webchat
    }

    /// The first request for `media` of `envelope`, or why there is none (missing credentials, a reference that
    /// is not what the vendor sends). Reasons name no secret.
    public static func plan(
        for envelope: Envelope, media: Content.Media, secrets: TenantSecrets, endpoints: Endpoints
    ) -> Result<MediaSource, MediaFetchFailure> {
        let tenant = envelope.tenantId
        func credential(_ name: String) -> String? { secrets.credential(name, tenantId: tenant) }
        let onTwilio = envelope.channel == .sms || (envelope.channel == .whatsapp && envelope.provider == "twilio")
        switch envelope.channel {
        case .whatsapp where !onTwilio:
            guard let token = credential("WHATSAPP_ACCESS_TOKEN") else {
                return .failure(.permanent("WhatsApp access token is not configured"))
            }
            guard !media.isURL, let id = pathSegment(media.reference),
                let url = URL(string: "\(endpoints.whatsAppBase)/\(endpoints.whatsAppVersion)/\(id)")
            else { return .failure(.permanent("WhatsApp media id is invalid")) }
            return .success(.whatsAppCloud(lookup: get(url, ["Authorization": "Bearer \(token)"])))
        case .telegram:
            guard let token = credential("TELEGRAM_BOT_TOKEN") else {
                return .failure(.permanent("Telegram bot token is not configured"))
            }
            var components = URLComponents(string: "\(endpoints.telegramBase)/bot\(token)/getFile")
            components?.queryItems = [URLQueryItem(name: "file_id", value: media.reference)]
            guard !media.isURL, let url = components?.url else {
                return .failure(.permanent("Telegram file id is invalid"))
            }
            return .success(.telegram(getFile: get(url), fileBase: "\(endpoints.telegramBase)/file/bot\(token)"))
        case .sms, .whatsapp:
            guard let account = credential("TWILIO_ACCOUNT_SID"), let token = credential("TWILIO_AUTH_TOKEN") else {
                return .failure(.permanent("Twilio credentials are not configured"))
            }
            guard media.isURL, let url = URL(string: media.reference) else {
                return .failure(.permanent("Twilio media URL is invalid"))
            }
            // The account's credentials go only to Twilio's API host, never to a URL elsewhere.
            guard url.host?.lowercased() == URL(string: endpoints.twilioBase)?.host?.lowercased() else {
                return .failure(.permanent("Twilio media URL is not on the Twilio API host"))
            }
            let basic = Data("\(account):\(token)".utf8).base64EncodedString()
            return .success(.direct(get(url, ["Authorization": "Basic \(basic)"])))
        case .messenger:
            guard media.isURL, let url = URL(string: media.reference) else {
                return .failure(.permanent("Messenger attachment URL is invalid"))
            }
            return .success(.direct(get(url)))
        case .webchat:
            return .failure(.permanent("web chat media is not fetched"))
        }
    }

    /// A vendor id usable as one path segment (ids are digits and letters; nothing that changes the path).
    static func pathSegment(_ reference: String) -> String? {
        guard !reference.isEmpty, reference.count <= 256,
            reference.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }),
            reference != ".", reference != ".."
        else { return nil }
        return reference
    }

    static func get(_ url: URL, _ headers: [String: String] = [:]) -> ProviderHTTPRequest {
        ProviderHTTPRequest(method: "GET", url: url, headers: headers)
    }
}

/// Why media could not be fetched, and whether trying again may help. ``reason`` names no credential and no URL.
public struct MediaFetchFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var isRetriable: Bool

    public static func permanent(_ reason: String) -> MediaFetchFailure {
        MediaFetchFailure(reason: reason, isRetriable: false)
    }

    public static func transient(_ reason: String) -> MediaFetchFailure {
        MediaFetchFailure(reason: reason, isRetriable: true)
    }

    /// A vendor's answer that is not a success: 408, 429 and 5xx may pass; any other will not.
    public static func status(_ status: Int, from vendor: String) -> MediaFetchFailure {
        MediaFetchFailure(
            reason: "\(vendor) answered HTTP \(status)", isRetriable: RetryPolicy.isRetriable(status: status))
    }

    /// A request that got no answer: a timeout or a broken connection may pass.
    public static func transport(_ error: ProviderHTTPError, from vendor: String) -> MediaFetchFailure {
        .transient("\(vendor) request failed: \(error.code)")
    }

    public var description: String { reason }
}
