import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStages
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `switchboard demo`: a scripted web chat conversation through the running daemons, printed as a
/// transcript that says who answered each message: the bot, the system, or an agent.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a scripted conversation through the running daemons and print the transcript.",
        discussion: """
            Talks to channel-webhook's web chat API as a customer and to human-handover's agent API as an agent.
            Keys come from SWITCHBOARD_TENANT_<TENANT>_API_KEY and SWITCHBOARD_TENANT_<TENANT>_AGENT_KEY
            (or the tenant secrets file, SWITCHBOARD_TENANT_SECRETS_FILE).
            """
    )

    @Option(help: "The web chat API (channel-webhook).") var webhook = "http://127.0.0.1:8080"
    @Option(help: "The agent API (human-handover).") var agentDesk = "http://127.0.0.1:8085"
    @Option(help: "The tenant.") var tenant = "demo"
    @Option(help: "The customer's user id.") var user = "demo-customer"

    func run() async throws {
        let stem = TenantSecrets.variableStem(for: tenant)
        let secrets = try TenantSecrets.forCommand(tenant: tenant, environment: ProcessInfo.processInfo.environment)
        guard let apiKey = secrets.credential("API_KEY", tenantId: tenant),
            let agentKey = secrets.credential("AGENT_KEY", tenantId: tenant)
        else {
            printError("set \(stem)_API_KEY and \(stem)_AGENT_KEY (the demo script does)")
            throw ExitCode(2)
        }
        let chat = DemoClient(webhook: webhook, agentDesk: agentDesk, apiKey: apiKey, agentKey: agentKey, user: user)
        print("Transcript (tenant \(tenant), web chat user \(user))\n")
        var conversation = ""
        for text in ["Hello!", "What are your opening hours?", "Where is my order AB123456?"] {
            conversation = try await chat.say(text, conversation: conversation)
        }
        // The demo tenant's callback form (deploy/tenants.yaml): the bot asks for each slot in turn.
        for text in ["Could you call me back?", "Ann Lee", "+49 30 1234567", "Tomorrow after 10"] {
            conversation = try await chat.say(text, conversation: conversation)
        }
        conversation = try await chat.say("I want to talk to a human", conversation: conversation)
        // The hand-over this demo's request opened, not the oldest waiting one: the database may hold others.
        let askedForHuman = try chat.lastMessageId(in: conversation)
        _ = try await chat.say("My parcel arrived damaged.", conversation: conversation)

        let handoverId = try await chat.waitingHandover(openedBy: askedForHuman)
        try await chat.agent("POST", "/handovers/\(handoverId)/claim", ["agent_id": "ann"])
        print("            (agent ann claims the conversation)")
        let replyText = "Sorry about that! I have sent you a replacement; it arrives tomorrow."
        try await chat.agent("POST", "/handovers/\(handoverId)/reply", ["agent_id": "ann", "text": replyText])
        try await chat.awaitMessage(in: conversation, text: replyText)
        try await chat.agent("POST", "/handovers/\(handoverId)/resolve", ["agent_id": "ann"])
        print("            (agent ann resolves: the bot takes over again)")
        _ = try await chat.say("Thanks, bye!", conversation: conversation)
        print("\nConversation \(conversation): every message above went through all six daemons.")
    }
}

/// The customer's and the agent's HTTP calls of the demo.
struct DemoClient {
    let webhook: String
    let agentDesk: String
    let apiKey: String
    let agentKey: String
    let user: String
    /// The visitor token of each conversation, from the web chat API's last answer: history needs it.
    let tokens = VisitorTokenJar()

    /// Sends a customer message and prints it with its reply. A reply slower than the web chat API's wait (the
    /// first message, while the daemons' consumer groups are still forming) is picked up from the history.
    func say(_ text: String, conversation: String, expectingReply: Bool = true) async throws -> String {
        print(line("customer", text))
        let response = try await request(
            "\(webhook)/api/v1/messages", method: "POST", key: apiKey,
            body: ["conversation_id": conversation, "user_id": user, "message": text],
            visitorToken: tokens[conversation])
        guard response.status == 200 || response.status == 202 else {
            throw CheckFailure(reason: "web chat answered \(response.status): \(response.text)")
        }
        let json = response.json
        let conversationId = json["conversation_id"] as? String ?? conversation
        tokens[conversationId] = json["visitor_token"] as? String
        tokens[Self.lastMessageKey(conversationId)] = json["message_id"] as? String
        if let reply = json["reply"] as? [String: Any], let replyText = reply["text"] as? String {
            let sender = reply["sender"] as? String ?? "?"
            let who = sender == "agent" ? "agent \(reply["agent_id"] as? String ?? "")" : sender
            print(line(who, replyText))
        } else if expectingReply,
            let late = try await lateReply(in: conversationId, after: json["message_id"] as? String)
        {
            print(line(late["sender"] as? String ?? "?", late["text"] as? String ?? ""))
        } else {
            print("            (no automatic answer: a person owns the conversation, the message waits for an agent)")
        }
        return conversationId
    }

    /// The first outbound message after `messageId` in the conversation's history, waiting up to 30 s.
    private func lateReply(in conversation: String, after messageId: String?) async throws -> [String: Any]? {
        for _ in 0..<150 {
            let response = try await request(
                "\(webhook)/api/v1/user/\(user)/messages/\(conversation)", method: "GET", key: apiKey,
                visitorToken: tokens[conversation])
            let messages = response.json["messages"] as? [[String: Any]] ?? []
            if let index = messages.firstIndex(where: { $0["id"] as? String == messageId }),
                let reply = messages[(index + 1)...].first(where: { $0["direction"] as? String == "outbound" })
            {
                return reply
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    private static func lastMessageKey(_ conversation: String) -> String { "last-message:" + conversation }

    /// The id of the customer's latest message in `conversation`, as the web chat API answered it.
    func lastMessageId(in conversation: String) throws -> UUID {
        guard let text = tokens[Self.lastMessageKey(conversation)], let id = UUID(uuidString: text) else {
            throw CheckFailure(reason: "the web chat API answered without a message id")
        }
        return id
    }

    /// Waits for the hand-over that the customer's `message` opened: its id is derived from the
    /// message's, so a database holding other waiting hand-overs (an earlier run) does not confuse it.
    func waitingHandover(openedBy message: UUID) async throws -> String {
        let expected = DerivedID.make(from: message, name: "handover").uuidString.lowercased()
        for _ in 0..<100 {
            let response = try await request(
                "\(agentDesk)/api/v1/agent/handovers?status=waiting", method: "GET", key: agentKey)
            let ids = (response.json["handovers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            if ids.contains(expected) { return expected }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CheckFailure(reason: "the demo's hand-over \(expected) did not appear in the waiting queue")
    }

    func agent(_ method: String, _ path: String, _ body: [String: Any]) async throws {
        let response = try await request("\(agentDesk)/api/v1/agent\(path)", method: method, key: agentKey, body: body)
        guard (200..<300).contains(response.status) else {
            throw CheckFailure(reason: "agent API \(path) answered \(response.status): \(response.text)")
        }
    }

    /// Waits until the agent's reply is in the customer's history, then prints it.
    func awaitMessage(in conversation: String, text: String) async throws {
        for _ in 0..<100 {
            let response = try await request(
                "\(webhook)/api/v1/user/\(user)/messages/\(conversation)", method: "GET", key: apiKey,
                visitorToken: tokens[conversation])
            let messages = response.json["messages"] as? [[String: Any]] ?? []
            if let message = messages.first(where: { $0["text"] as? String == text }) {
                print(line("agent \(message["agent_id"] as? String ?? "ann")", text))
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CheckFailure(reason: "the agent's reply did not reach the customer")
    }

    private func line(_ who: String, _ text: String) -> String {
        let arrow = who == "customer" ? ">" : "<"
        return who.padding(toLength: 10, withPad: " ", startingAt: 0) + " \(arrow) " + text
    }

    struct Response {
        let status: Int
        let data: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: data, as: UTF8.self) }
    }

    private func request(
        _ url: String, method: String, key: String, body: [String: Any]? = nil, visitorToken: String? = nil
    ) async throws -> Response {
        guard let target = URL(string: url) else { throw CheckFailure(reason: "bad URL \(url)") }
        var request = URLRequest(url: target, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let visitorToken { request.setValue(visitorToken, forHTTPHeaderField: "X-Visitor-Token") }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, data: data)
        } catch {
            throw CheckFailure(
                reason: "\(method) \(url) failed: \(error.localizedDescription) (are the daemons running?)")
        }
    }
}

/// Visitor tokens by conversation id.
final class VisitorTokenJar: Sendable {
    private let tokens = Mutex<[String: String]>([:])

    subscript(conversation: String) -> String? {
        get { tokens.withLock { $0[conversation] } }
        set { tokens.withLock { $0[conversation] = newValue } }
    }
}
