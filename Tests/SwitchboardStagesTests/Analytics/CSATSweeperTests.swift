import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("The survey after a bot conversation, from the session sweeper, against the local broker and database")
struct CSATSweeperTests {
    @Test("an expired session only the bot answered gets the survey; one an agent wrote in does not")
    func surveyAfterBotSession() async throws {
        let test = try await StageTestEnvironment(idleTimeoutSeconds: 60)
        defer { Task { await test.drop() } }
        try await TopicBootstrap.ensureTopics(
            test.topics, partitions: 1, kafka: test.environment.kafka, logger: test.logger)
        var environment = test.environment
        environment.tenants = try TenantDirectory(
            parsing: """
                tenants:
                  - id: demo
                    idle_timeout_seconds: 60
                    csat:
                      after_bot: true
                      question: "Did the bot help? 1-5"
                """)
        let handler = SessionHandler(store: test.database, environment: environment)
        let now = Date()
        var sessions: [String: String] = [:]
        for customer in ["bot-only", "helped"] {
            var message = inbound("hello", from: "visitor-\(customer)", at: now.addingTimeInterval(-300))
            message.customerId = customer
            sessions[customer] = try #require(
                try await handler.handle(message, context: test.context(test.topics.identified))
                    .envelopes(on: test.topics.sessioned).first?.sessionId)
            if customer == "helped" {
                var reply = message.reply(
                    content: .text("Here to help"), sender: .agent(id: "alice"), stage: "agent",
                    at: now.addingTimeInterval(-290))
                reply.sessionId = sessions[customer]
                try await test.database.messages.insertIfNew(
                    MessageStore.StoredMessage(reply, status: "sent", at: reply.receivedAt))
            }
        }

        let producer = try KafkaProducer(configuration: test.environment.kafka, logger: test.logger)
        let sweeper = SessionSweeper(
            sessions: test.database.sessions, producer: producer, environment: environment, interval: .seconds(60),
            logger: test.logger, clock: { now }, database: test.database)
        #expect(try await sweeper.sweep() == 2)
        await producer.shutdown()

        let waiting = try await test.database.surveys.surveys(keys: ["demo|bot-only", "demo|helped"])
        #expect(waiting.keys.sorted() == ["demo|bot-only"])
        #expect(waiting["demo|bot-only"]?.sessionId == sessions["bot-only"])
        #expect(waiting["demo|bot-only"]?.agentId == nil)

        let outbound = try KafkaConsumer(
            configuration: test.environment.kafka, groupID: TestStack.uniqueName("outbound"),
            topics: [test.topics.outbound], logger: test.logger)
        let surveys = try await outbound.collect(1).map { try EnvelopeCodec().decode($0.value) }
        await outbound.close()
        let survey = try #require(surveys.first)
        #expect(survey.content == .text("Did the bot help? 1-5"))
        #expect(survey.customerId == "bot-only")
        #expect(survey.externalId == "visitor-bot-only")
        #expect(survey.sender == .system)
    }
}
