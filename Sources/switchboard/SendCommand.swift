import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `switchboard send`: one customer message through channel-webhook's web chat API.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message as a customer through channel-webhook's web chat API and print the reply.",
        discussion: """
            Posts to $SWITCHBOARD_WEBHOOK_URL/api/v1/messages with the key SWITCHBOARD_TENANT_<ID>_API_KEY.
            Only the web chat channel is supported. Exit codes: 0 sent, 2 usage or rejected, 4 webhook unreachable.
            """
    )

    @Option(help: "The channel; only webchat.") var channel = "webchat"
    @Option(help: "The tenant.") var tenant = "demo"
    @Option(help: "The customer's user id.") var user: String
    @Option(help: "The message text.") var text: String
    @Option(help: "Continue this conversation.") var conversation: String?

    func run() async throws {
        guard channel == "webchat" else { throw CLIFailure.usage("send supports --channel webchat only") }
        let environment = ProcessInfo.processInfo.environment
        let base = environment["SWITCHBOARD_WEBHOOK_URL"] ?? "http://127.0.0.1:8080"
        let keyName =
            "SWITCHBOARD_TENANT_" + String(tenant.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            + "_API_KEY"
        guard let key = environment[keyName], !key.isEmpty else { throw CLIFailure.usage("set \(keyName)") }
        guard let url = URL(string: base + "/api/v1/messages") else { throw CLIFailure.usage("bad URL \(base)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        var body: [String: Any] = ["user_id": user, "message": text]
        if let conversation { body["conversation_id"] = conversation }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let data: Data
        let status: Int
        do {
            let (answer, response) = try await URLSession.shared.data(for: request)
            data = answer
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
        } catch {
            throw CLIFailure(
                exitCode: 4,
                message: "channel-webhook at \(base) unreachable: \(error.localizedDescription) "
                    + "(check SWITCHBOARD_WEBHOOK_URL and that channel-webhook is running)")
        }
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status == 200 || status == 202 else {
            throw CLIFailure.usage(
                "channel-webhook answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        printLine(
            "message \(json["message_id"] as? String ?? "-") conversation \(json["conversation_id"] as? String ?? "-")")
        if let reply = json["reply"] as? [String: Any] {
            printLine("reply (\(reply["sender"] as? String ?? "?")): \(reply["text"] as? String ?? "")")
        } else {
            printLine("no reply within the web chat wait (202); `switchboard trace <message id>` follows it")
        }
    }
}
