import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
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

    @Test func aBacklogIsWorkedOffInPagesWithinEachSweepsBudget() async throws {
        let test = try await StageTestEnvironment(idleTimeoutSeconds: 60)
        defer { Task { await test.drop() } }
        try await TopicBootstrap.ensureTopics(
            test.topics, partitions: 1, kafka: test.environment.kafka, logger: test.logger)
        let handler = SessionHandler(store: test.database, environment: test.environment)
        let now = Date()
        var sessions: [String] = []
        for number in 0..<7 {
            var message = inbound("hello", from: "quiet-\(number)", at: now.addingTimeInterval(-120))
            message.customerId = "customer-\(number)"
            sessions.append(
                try #require(
                    try await handler.handle(message, context: test.context(test.topics.identified))
                        .envelopes(on: test.topics.sessioned).first?.sessionId))
        }
        let producer = try KafkaProducer(configuration: test.environment.kafka, logger: test.logger)
        let dropped = Mutex<[String]>([])
        // No budget: each sweep stops after its first page of three.
        let hurried = SessionSweeper(
            sessions: test.database.sessions, producer: producer, environment: test.environment,
            interval: .seconds(60), logger: test.logger, clock: { now },
            onExpired: { customer in dropped.withLock { $0.append(customer) } }, pageSize: 3, budget: .zero)
        #expect(try await hurried.sweep() == 3)
        #expect(try await hurried.sweep() == 3)
        #expect(try await hurried.sweep() == 1)
        #expect(try await hurried.sweep() == 0)
        #expect(Set(dropped.withLock { $0 }) == Set((0..<7).map { "customer-\($0)" }))
        for session in sessions {
            #expect(try await test.database.sessions.session(id: session)?.status == .expired)
        }

        let events = try KafkaConsumer(
            configuration: test.environment.kafka, groupID: TestStack.uniqueName("events"),
            topics: [test.topics.events], logger: test.logger)
        let expiries = try await events.collect(7).compactMap {
            try SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data($0.value))
        }.filter { $0.type == .sessionExpired }
        await events.close()
        #expect(Set(expiries.compactMap(\.sessionId)) == Set(sessions))
        await producer.shutdown()
    }

    @Test func oneSweepWorksThroughEveryPageWithinItsBudget() async throws {
        let test = try await StageTestEnvironment(idleTimeoutSeconds: 60)
        defer { Task { await test.drop() } }
        try await TopicBootstrap.ensureTopics(
            test.topics, partitions: 1, kafka: test.environment.kafka, logger: test.logger)
        let handler = SessionHandler(store: test.database, environment: test.environment)
        let now = Date()
        for number in 0..<5 {
            var message = inbound("hello", from: "quiet-\(number)", at: now.addingTimeInterval(-120))
            message.customerId = "customer-\(number)"
            _ = try await handler.handle(message, context: test.context(test.topics.identified))
        }
        let producer = try KafkaProducer(configuration: test.environment.kafka, logger: test.logger)
        let sweeper = SessionSweeper(
            sessions: test.database.sessions, producer: producer, environment: test.environment,
            interval: .seconds(60), logger: test.logger, clock: { now }, pageSize: 2, budget: .seconds(3600))
        #expect(try await sweeper.sweep() == 5)
        #expect(try await sweeper.sweep() == 0)
        await producer.shutdown()
    }

    @Test func aSessionIsNotExpiredWhileMessagesWaitForTheSessionStage() async throws {
        let test = try await StageTestEnvironment(idleTimeoutSeconds: 60)
        defer { Task { await test.drop() } }
        try await TopicBootstrap.ensureTopics(
            test.topics, partitions: 1, kafka: test.environment.kafka, logger: test.logger)
        let handler = SessionHandler(store: test.database, environment: test.environment)
        let now = Date()
        var quiet = inbound("hello", from: "quiet", at: now.addingTimeInterval(-120))
        quiet.customerId = "customer-quiet"
        let session = try #require(
            try await handler.handle(quiet, context: test.context(test.topics.identified))
                .envelopes(on: test.topics.sessioned).first?.sessionId)

        // The customer's next message waits on the session stage's input: the stage has not handled it yet.
        let producer = try KafkaProducer(configuration: test.environment.kafka, logger: test.logger)
        var next = inbound("are you there?", from: "quiet", at: now.addingTimeInterval(-90))
        next.customerId = "customer-quiet"
        _ = try await producer.send(
            KafkaOutgoingRecord(
                topic: test.topics.identified, key: "customer-quiet",
                value: Array(try SwitchboardJSON.makeEncoder().encode(next))))
        let group = StageRunner.Configuration(
            stage: "session", inputTopic: test.topics.identified, topics: test.topics
        ).groupID
        let progress = PipelineProgress(
            reader: try KafkaGroupProgress(
                stages: [.init(group: group, topic: test.topics.identified)], configuration: test.environment.kafka,
                logger: test.logger))
        let sweeper = SessionSweeper(
            sessions: test.database.sessions, producer: producer, environment: test.environment,
            interval: .seconds(60), logger: test.logger, clock: { now },
            processedThrough: { try await progress.processedThrough() })
        #expect(try await sweeper.sweep() == 0, "the session stage has a message of the customer still to handle")
        #expect(try await test.database.sessions.session(id: session)?.status == .open)

        // The stage's group commits past it (as the stage does once it has handled it): the session is idle now.
        let stage = try KafkaConsumer(
            configuration: test.environment.kafka, groupID: group, topics: [test.topics.identified],
            logger: test.logger)
        try await stage.commit(try await stage.collect(1))
        await stage.close()
        #expect(try await sweeper.sweep() == 1)
        #expect(try await test.database.sessions.session(id: session)?.status == .expired)
        await producer.shutdown()
    }
}
