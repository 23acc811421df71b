import Foundation
import SwitchboardTestSupport
import Synchronization

/// A web chat customer and an agent, talking to the running daemons over HTTP.
struct WebChatClient {
    let daemons: DaemonProcesses
    let user: String
    /// The visitor token of each conversation, from the last answer: history needs it.
    let tokens = TokenJar()

    final class TokenJar: Sendable {
        private let tokens = Mutex<[String: String]>([:])
        func withLock<R>(_ body: (inout [String: String]) -> R) -> R { tokens.withLock { body(&$0) } }
    }

    struct Sent {
        let status: Int
        let conversationId: String
        let messageId: String
        let replyText: String?
        let replySender: String?
    }

    func send(_ text: String, conversation: String = "", clientMessageId: String? = nil) async throws -> Sent {
        var body: [String: Any] = ["conversation_id": conversation, "user_id": user, "message": text]
        if let clientMessageId { body["client_message_id"] = clientMessageId }
        var headers = ["Authorization": "Bearer \(DaemonProcesses.apiKey)"]
        if let token = tokens.withLock({ $0[conversation] }) { headers["X-Visitor-Token"] = token }
        let response = try await HTTP.post(
            daemons.url("channel-webhook", "/api/v1/messages"), json: body, headers: headers)
        let json = response.json
        if let conversationId = json["conversation_id"] as? String, let token = json["visitor_token"] as? String {
            tokens.withLock { $0[conversationId] = token }
        }
        let reply = json["reply"] as? [String: Any]
        return Sent(
            status: response.status, conversationId: json["conversation_id"] as? String ?? "",
            messageId: json["message_id"] as? String ?? "", replyText: reply?["text"] as? String,
            replySender: reply?["sender"] as? String)
    }

    func history(_ conversation: String) async throws -> [[String: Any]] {
        let response = try await HTTP.get(
            daemons.url("channel-webhook", "/api/v1/user/\(user)/messages/\(conversation)?limit=200"),
            headers: [
                "Authorization": "Bearer \(DaemonProcesses.apiKey)",
                "X-Visitor-Token": tokens.withLock { $0[conversation] } ?? "",
            ])
        return response.json["messages"] as? [[String: Any]] ?? []
    }

    /// Polls the history until a message matching `predicate` shows up.
    func waitForMessage(
        in conversation: String, within limit: Duration = .seconds(60),
        where predicate: @escaping @Sendable ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if let found = try await history(conversation).first(where: predicate) { return found }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TestTimeout(what: "a message in conversation \(conversation)")
    }

    func agent(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> HTTP.Response {
        let headers = ["Authorization": "Bearer \(DaemonProcesses.agentKey)", "Content-Type": "application/json"]
        return try await HTTP.send(
            daemons.url("human-handover", "/api/v1/agent\(path)"), method: method,
            body: try body.map { try JSONSerialization.data(withJSONObject: $0) }, headers: headers)
    }
}
