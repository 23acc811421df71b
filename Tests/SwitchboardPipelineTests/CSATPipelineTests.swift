import Foundation
import SwitchboardCore
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The satisfaction survey through web chat and the six daemons, and the analytics human-handover keeps of it.
@Suite("CSAT survey end to end through web chat", .serialized)
struct CSATPipelineTests {
    let logger = TestStack.logger("csat-pipeline")
    static let question = "How did we do? Reply 1 to 5."
    static let thanks = "Thanks for the rating!"

    @Test func anAgentResolvesTheSurveyGoesOutTheAnswerIsRecordedNotRoutedAndCounted() async throws {
        let daemons = try DaemonProcesses(
            idleTimeoutSeconds: 600, extra: ["SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS": "6000"],
            demoSettings: """
                    csat:
                      after_agent: true
                      question: "\(Self.question)"
                      thanks: "\(Self.thanks)"

                """)
        try await daemons.startAll()
        defer { daemons.signalAll() }
        try await daemons.waitUntilReady()
        let chat = WebChatClient(daemons: daemons, user: "rated-customer")

        let first = try await chat.send("hello")
        let conversation = first.conversationId
        _ = try await chat.waitForMessage(in: conversation) { $0["sender"] as? String == "bot" }
        let ask = try await chat.send("I want to talk to a human", conversation: conversation)
        #expect(ask.replySender == "system")
        let handoverId = try await withTimeout(.seconds(60), "the hand-over in the queue") {
            while true {
                let waiting = try await chat.agent("GET", "/handovers?status=waiting")
                if let id = (waiting.json["handovers"] as? [[String: Any]])?.first?["id"] as? String { return id }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(try await chat.agent("POST", "/handovers/\(handoverId)/claim", ["agent_id": "alice"]).status == 200)
        let reply = try await chat.agent(
            "POST", "/handovers/\(handoverId)/reply", ["agent_id": "alice", "text": "Here to help."])
        #expect(reply.status == 202)
        #expect(try await chat.agent("POST", "/handovers/\(handoverId)/resolve", ["agent_id": "alice"]).status == 200)

        // The survey reaches the customer's web chat.
        let survey = try await chat.waitForMessage(in: conversation) { $0["text"] as? String == Self.question }
        #expect(survey["sender"] as? String == "system")

        // The answer is thanked for by Switchboard, not answered by the bot.
        let answer = try await chat.send("5", conversation: conversation)
        #expect(answer.replySender == "system")
        #expect(answer.replyText == Self.thanks)
        // The next message is an ordinary one again: the bot answers it.
        let after = try await chat.send("what are your opening hours", conversation: conversation)
        #expect(after.replySender == "bot")

        // Analytics (human-handover's consumer) records the answer against the session and the agent.
        let database = try await SwitchboardDatabase.connect(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database), logger: logger)
        let since = Date().addingTimeInterval(-3600)
        let report = try await withTimeout(.seconds(60), "the answer in the analytics") {
            while true {
                let report = try await database.analytics.report(
                    tenantId: "demo", since: since, until: Date().addingTimeInterval(60))
                if report.total.csat.responses == 1, report.total.messagesIn >= 4 { return report }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        #expect(report.total.csat.scores["5"] == 1)
        #expect(report.byAgent["alice"]?.csat.average == 5)
        #expect(report.total.conversations == 1, "the answer is not a conversation of its own")
        #expect(report.total.handedOver == 1)
        #expect(report.total.handoverReasons == ["customer_asked_for_human": 1])
        #expect(report.byAgent["alice"]?.messagesOut == 1)
        #expect(report.total.firstResponse.count == 1)
    }
}
