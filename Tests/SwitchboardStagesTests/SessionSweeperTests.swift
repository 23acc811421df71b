import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("session sweeper against the local broker and database")
struct SessionSweeperTests {
    @Test func idleSessionsExpireWithOneEventAndActiveOnesStayOpen() async throws {
        let test = try await StageTestEnvironment(idleTimeoutSeconds: 60)
        defer { Task { await test.drop() } }
        try await TopicBootstrap.ensureTopics(
            test.topics, partitions: 1, kafka: test.environment.kafka, logger: test.logger)
        let handler = SessionHandler(store: test.database, environment: test.environment)
        let now = Date()
        var quiet = inbound("hello", from: "quiet", at: now.addingTimeInterval(-120))
        quiet.customerId = "customer-quiet"
        var busy = inbound("hello", from: "busy", at: now.addingTimeInterval(-5))
        busy.customerId = "customer-busy"
        let quietSession = try #require(
            try await handler.handle(quiet, context: test.context(test.topics.identified))
                .envelopes(on: test.topics.sessioned).first?.sessionId)
        let busySession = try #require(
            try await handler.handle(busy, context: test.context(test.topics.identified))
                .envelopes(on: test.topics.sessioned).first?.sessionId)

        let producer = try KafkaProducer(configuration: test.environment.kafka, logger: test.logger)
        let sweeper = SessionSweeper(
            sessions: test.database.sessions, producer: producer, environment: test.environment,
            interval: .seconds(60), logger: test.logger, clock: { now })
        #expect(try await sweeper.sweep() == 1)
        #expect(try await sweeper.sweep() == 0, "a second sweep finds nothing left to expire")
        #expect(try await test.database.sessions.session(id: quietSession)?.status == .expired)
        #expect(try await test.database.sessions.session(id: busySession)?.status == .open)

        let events = try KafkaConsumer(
            configuration: test.environment.kafka, groupID: TestStack.uniqueName("events"),
            topics: [test.topics.events], logger: test.logger)
        let expiry = try await events.collect(1).compactMap {
            try SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data($0.value))
        }.filter { $0.type == .sessionExpired }
        await events.close()
        #expect(expiry.map(\.sessionId) == [quietSession])
        #expect(expiry.first?.customerId == "customer-quiet")
        await producer.shutdown()
    }
}
