import ArgumentParser
import Foundation
import SwitchboardStages

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `switchboard send`: one customer message through channel-webhook, as web chat or as a vendor's signed webhook.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message as a customer of a channel through channel-webhook, for trying things out.",
        discussion: """
            webchat posts to $SWITCHBOARD_WEBHOOK_URL/api/v1/messages with the key SWITCHBOARD_TENANT_<ID>_API_KEY \
            and prints the reply.
            whatsapp, messenger, telegram, sms and twilio-whatsapp post the vendor's webhook for one text message \
            to $SWITCHBOARD_WEBHOOK_URL/webhooks/<channel>/<tenant> (Twilio's to /webhooks/sms/<tenant>), signed \
            as the vendor signs it with SWITCHBOARD_TENANT_<ID>_WHATSAPP_APP_SECRET, _MESSENGER_APP_SECRET, \
            _TELEGRAM_SECRET_TOKEN or _TWILIO_AUTH_TOKEN (over _TWILIO_PUBLIC_URL, else \
            SWITCHBOARD_TWILIO_PUBLIC_BASE_URL + the route), and print the channel, the status channel-webhook \
            answered, the message id and the envelope id (`switchboard trace` follows it). --wait then waits for \
            the reply in MongoDB.
            Exit codes: 0 sent, 1 no reply within --timeout (--wait), 2 usage, missing secret or rejected, \
            4 webhook unreachable, 5 database unreachable (--wait).
            """
    )

    @Option(help: "The channel.") var channel = SendChannel.webchat
    @Option(help: "The tenant.") var tenant = "demo"
    @Option(
        help: """
            The customer: the web chat user id, the phone number (+31612345678) for whatsapp, sms and \
            twilio-whatsapp, the page-scoped id for messenger, the chat id for telegram.
            """)
    var user: String
    @Option(help: "The message text.") var text: String
    @Option(help: "Continue this web chat conversation.") var conversation: String?
    @Option(help: "The conversation's visitor token, printed by the first message (web chat).")
    var visitorToken: String?
    @Option(help: "The vendor's message id (default a fresh one); send one again to try a redelivery.")
    var messageId: String?
    @Flag(help: "Wait for the reply in MongoDB and print it (webhook channels; web chat always waits).")
    var wait = false
    @Option(help: "How long --wait waits, in seconds.") var timeout = 60.0

    func run() async throws {
        try CLIFailure.checkSeconds("--timeout", timeout)
        let environment = ProcessInfo.processInfo.environment
        let base = environment["SWITCHBOARD_WEBHOOK_URL"] ?? "http://127.0.0.1:8080"
        if channel == .webchat {
            guard messageId == nil, !wait else {
                throw CLIFailure.usage(
                    "--message-id and --wait are for the webhook channels; web chat answers with its reply")
            }
            try await sendWebChat(base: base, environment: environment)
        } else {
            guard conversation == nil else {
                throw CLIFailure.usage(
                    "--conversation is for web chat; on \(channel.rawValue) the customer address is the conversation")
            }
            try await sendWebhook(base: base, environment: environment)
        }
    }

    private func sendWebChat(base: String, environment: [String: String]) async throws {
        let secrets = try TenantSecrets.forCommand(tenant: tenant, environment: environment)
        guard let key = secrets.credential("API_KEY", tenantId: tenant) else {
            throw CLIFailure.usage("set \(TenantSecrets.variableStem(for: tenant))_API_KEY")
        }
        guard let url = URL(string: base + "/api/v1/messages") else { throw CLIFailure.usage("bad URL \(base)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let visitorToken { request.setValue(visitorToken, forHTTPHeaderField: "X-Visitor-Token") }
        var body: [String: Any] = ["user_id": user, "message": text]
        if let conversation { body["conversation_id"] = conversation }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (status, data) = try await Self.post(request, base: base)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status == 200 || status == 202 else {
            throw CLIFailure.usage("channel-webhook answered \(status): \(Self.reason(data))")
        }
        printLine(
            "message \(json["message_id"] as? String ?? "-") conversation \(json["conversation_id"] as? String ?? "-")")
        if let token = json["visitor_token"] as? String {
            printLine("visitor token \(token) (pass it as --visitor-token to continue this conversation)")
        }
        if let reply = json["reply"] as? [String: Any] {
            printLine("reply (\(reply["sender"] as? String ?? "?")): \(reply["text"] as? String ?? "")")
        } else {
            printLine("no reply within the web chat wait (202); `switchboard trace <message id>` follows it")
        }
    }

    /// Posts `request`; no answer at all is exit 4.
    static func post(_ request: URLRequest, base: String) async throws -> (status: Int, body: Data) {
        do {
            let (answer, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, answer)
        } catch {
            throw CLIFailure(
                exitCode: 4,
                message: "channel-webhook at \(base) unreachable: \(error.localizedDescription) "
                    + "(check SWITCHBOARD_WEBHOOK_URL and that channel-webhook is running)")
        }
    }

    /// The start of an answer's body on one line.
    static func reason(_ data: Data) -> String {
        String(decoding: data.prefix(300), as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
