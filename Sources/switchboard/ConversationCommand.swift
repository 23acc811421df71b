import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardMongo
import SwitchboardStages

/// `switchboard conversation`: a customer's, session's or conversation's stored history.
struct ConversationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conversation",
        abstract: "Print the stored history of a customer, a session or a conversation from MongoDB.",
        discussion: "Exit codes: 0 found, 1 nothing stored under that id, 5 database unreachable."
    )

    @Argument(help: "A customer id, session id or conversation id.") var id: String
    @Option(help: "The most messages to print: the newest, oldest first.") var limit = 500

    func run() async throws {
        try CLIFailure.check("--limit", limit, in: 1...Int.max)
        let context = try OperatorContext()
        let database = try await context.database()
        let collection = database.client.collection("messages", as: MessageStore.StoredMessage.self)
        var messages: [String: MessageStore.StoredMessage] = [:]
        for field in ["customer_id", "session_id", "conversation_id"] {
            let found = try await context.query {
                // The newest `limit` under this field; they are printed oldest first below.
                try await collection.find(
                    [field: .string(id)], sort: ["created_at": -1, "sequence": -1], limit: limit)
            }
            for message in found { messages[message._id] = message }
        }
        guard !messages.isEmpty else {
            throw CLIFailure.notFound("no stored messages for customer, session or conversation \(id)")
        }
        let ordered = messages.values.sorted { ($0.created_at, $0.sequence ?? 0) < ($1.created_at, $1.sequence ?? 0) }
        var session: String?
        for message in ordered.suffix(limit) {
            if message.session_id != session {
                session = message.session_id
                printLine("-- session \(session ?? "-") (tenant \(message.tenant_id), \(message.channel))")
            }
            let who: String
            switch message.envelope.sender {
            case .bot: who = "bot"
            case .agent(let agent): who = "agent \(agent)"
            case .system: who = "system"
            case nil: who = message.direction == "inbound" ? "customer" : "-"
            }
            printLine(
                "\(SwitchboardJSON.formatDate(message.created_at)) \(message.direction == "inbound" ? ">" : "<") "
                    + "\(who.padding(toLength: 12, withPad: " ", startingAt: 0)) "
                    + "\(DecodedRecord.excerpt(message.envelope.content, length: 200)) [\(message.status)]")
        }
    }
}
