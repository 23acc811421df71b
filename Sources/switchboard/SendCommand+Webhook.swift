import Foundation
import SwitchboardCore
import SwitchboardStages

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension SendCommand {
    /// Posts the vendor's signed webhook for one text message and prints one line; with `--wait`, the reply.
    func sendWebhook(base: String, environment: [String: String]) async throws {
        let webhook = try SimulatedWebhook.make(
            channel, tenant: tenant, user: user, text: text, messageId: messageId, environment: environment)
        guard let url = URL(string: base + webhook.path) else { throw CLIFailure.usage("bad URL \(base)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = "POST"
        for (name, value) in webhook.headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(webhook.body)
        let (status, data) = try await Self.post(request, base: base)
        guard (200..<300).contains(status) else {
            throw CLIFailure.usage(
                "channel-webhook answered \(status) to the \(channel.rawValue) webhook \(webhook.messageId): "
                    + Self.reason(data))
        }
        let envelope = webhook.envelopeId?.uuidString.lowercased() ?? "-"
        printLine("\(channel.rawValue) \(status) message \(webhook.messageId) envelope \(envelope)")
        guard wait else { return }
        guard let id = webhook.envelopeId else {
            throw CLIFailure.usage("channel-webhook makes no envelope of this \(channel.rawValue) webhook to follow")
        }
        try await waitForReply(to: id)
    }

    /// Polls the messages collection for the outbound message that replies to envelope `id`.
    private func waitForReply(to id: UUID) async throws {
        let context = try OperatorContext()
        let database = try await context.database()
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            if let reply = try await context.query({ try await database.messages.reply(to: id) }) {
                let sender: String
                switch reply.envelope.sender {
                case .agent(let agent): sender = "agent \(agent)"
                case .system: sender = "system"
                case .bot, nil: sender = "bot"
                }
                printLine(
                    "reply (\(sender), \(reply.status)): \(DecodedRecord.excerpt(reply.envelope.content, length: 500))")
                return
            }
            guard ContinuousClock.now < deadline else {
                throw CLIFailure.notFound(
                    "no reply to \(id.uuidString.lowercased()) within \(Int(timeout))s "
                        + "(`switchboard trace \(id.uuidString.lowercased())` shows how far it got)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
