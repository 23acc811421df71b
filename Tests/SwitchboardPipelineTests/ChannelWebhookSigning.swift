import Foundation
import SwitchboardStages
import SwitchboardTestSupport

/// One webhook as its vendor sends it: a fixture's exact bytes on the tenant's route, signed the vendor's way.
struct SignedWebhook: Sendable {
    /// `/webhooks/<channel>/<tenant>`.
    var path: String
    var body: [UInt8]
    var headers: [String: String]

    /// WhatsApp Cloud API and Messenger: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`.
    static func meta(channel: String, tenant: String, body: [UInt8], appSecret: String) -> SignedWebhook {
        let signature = MetaWebhookSecurity.signature(body: body, appSecret: appSecret)
        return SignedWebhook(
            path: "/webhooks/\(channel)/\(tenant)", body: body,
            headers: ["Content-Type": "application/json", "X-Hub-Signature-256": signature])
    }

    /// Telegram: the `secret_token` given to `setWebhook`, echoed in `X-Telegram-Bot-Api-Secret-Token`.
    static func telegram(tenant: String, body: [UInt8], secretToken: String) -> SignedWebhook {
        SignedWebhook(
            path: "/webhooks/telegram/\(tenant)", body: body,
            headers: ["Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secretToken])
    }

    /// Twilio: `X-Twilio-Signature` over the URL configured at Twilio (`publicURL`, in front of any proxy) and
    /// the sorted form parameters.
    static func twilio(tenant: String, body: [UInt8], authToken: String, publicURL: String) -> SignedWebhook {
        let signature = TwilioSignature.expected(authToken: authToken, url: publicURL, form: TwilioForm(body: body))
        return SignedWebhook(
            path: "/webhooks/sms/\(tenant)", body: body,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature])
    }

    /// Posts the webhook to channel-webhook.
    func post(to daemons: DaemonProcesses) async throws -> HTTP.Response {
        try await HTTP.send(
            daemons.url("channel-webhook", path), method: "POST", body: Data(body), headers: headers)
    }
}

/// The shared channel fixtures (`shared/fixtures/channels`), read as they are.
enum ChannelFixture {
    /// The file's exact bytes.
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: TestStack.channelFixtures.appendingPathComponent(name)))
    }

    /// The file as a JSON object.
    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(try bytes(name))) as? [String: Any] ?? [:]
    }

    /// The value at `path` in `json`: object keys (`String`) and array indexes (`Int`).
    static func value(_ json: Any, _ path: Any...) -> Any? {
        var current: Any? = json
        for step in path {
            switch step {
            case let key as String: current = (current as? [String: Any])?[key]
            case let index as Int:
                guard let array = current as? [Any], array.indices.contains(index) else { return nil }
                current = array[index]
            default: return nil
            }
        }
        return current
    }

    /// `json` serialized again after `change`: for scripting a vendor's documented answer with other ids.
    static func edited(_ json: [String: Any], _ change: (inout [String: Any]) -> Void) throws -> String {
        var copy = json
        change(&copy)
        return String(decoding: try JSONSerialization.data(withJSONObject: copy), as: UTF8.self)
    }
}
