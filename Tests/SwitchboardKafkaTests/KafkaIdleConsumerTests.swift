import Foundation
import SwitchboardKafka
import SwitchboardTestSupport
import Testing

/// What a consumer does while its topic is idle, against the real local broker.
@Suite("Kafka consumer on an idle topic")
struct KafkaIdleConsumerTests {
    let logger = TestStack.logger("kafka-idle")

    @Test func lagAndCommitsAnswerWhileAPollWaitsOnAnIdleTopic() async throws {
        let kafka = try TestStack.kafkaConfiguration()
        let topic = TestStack.uniqueName("idle")
        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        _ = try await admin.createTopics([KafkaTopicSpec(name: topic, partitions: 3)])
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        try await producer.send(
            (0..<9).map { KafkaOutgoingRecord(topic: topic, key: "k\($0 % 3)", value: Array("v\($0)".utf8)) })
        let consumer = try KafkaConsumer(
            configuration: kafka, groupID: TestStack.uniqueName("idle-group"), topics: [topic], logger: logger)
        let records = try await withTimeout(.seconds(60), "the nine records") {
            var records: [KafkaRecord] = []
            while records.count < 9 { records += try await consumer.nextBatch() ?? [] }
            return records
        }

        // Nothing more will come: a poll now waits. Commits and lag must not wait behind it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await consumer.nextBatch() }
            // The poll waits until the consumer stops: a commit or a lag read queued behind it would never end.
            try await withTimeout(.seconds(60), "a commit while the poll waits") { try await consumer.commit(records) }
            // A partition whose offsets the broker did not give within the read's own bound (a loaded machine) is
            // left out of that reading; the next one has it.
            let lag = try await withTimeout(.seconds(60), "the lag of every partition while the poll waits") {
                while true {
                    let lag = await consumer.lag()
                    if lag.count == 3 { return lag }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(lag.count == 3, "\(lag)")
            #expect(lag.values.allSatisfy { $0 == 0 }, "\(lag)")
            consumer.stop()
            try await group.waitForAll()
        }
        await consumer.close()
        await producer.shutdown()
    }

    @Test func aBoundedPollEndsEmptyOnAnIdleTopicAndStillReturnsWhatComesLater() async throws {
        let kafka = try TestStack.kafkaConfiguration()
        let topic = TestStack.uniqueName("idle-bounded")
        let admin = try KafkaAdmin(configuration: kafka, logger: logger)
        _ = try await admin.createTopics([KafkaTopicSpec(name: topic, partitions: 1)])
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        try await producer.send([KafkaOutgoingRecord(topic: topic, key: "k", value: Array("first".utf8))])
        let consumer = try KafkaConsumer(
            configuration: kafka, groupID: TestStack.uniqueName("idle-bounded-group"), topics: [topic], logger: logger)
        let first = try await withTimeout(.seconds(60), "the first record") {
            var records: [KafkaRecord] = []
            while records.isEmpty { records += try #require(try await consumer.nextBatch(within: .milliseconds(200))) }
            return records
        }
        #expect(first.map { String(decoding: $0.value, as: UTF8.self) } == ["first"])

        // Nothing more: the bounded poll answers empty (not nil: the consumer still runs), about when asked to.
        let began = ContinuousClock.now
        let idle = try await consumer.nextBatch(within: .milliseconds(300))
        #expect(idle?.isEmpty == true)
        #expect(ContinuousClock.now - began >= .milliseconds(300))

        try await producer.send([KafkaOutgoingRecord(topic: topic, key: "k", value: Array("second".utf8))])
        let second = try await withTimeout(.seconds(60), "the second record") {
            var records: [KafkaRecord] = []
            while records.isEmpty { records += try #require(try await consumer.nextBatch(within: .milliseconds(200))) }
            return records
        }
        #expect(second.map { String(decoding: $0.value, as: UTF8.self) } == ["second"])
        consumer.stop()
        #expect(try await consumer.nextBatch(within: .milliseconds(200)) == nil, "stopped: nil, not empty")
        await consumer.close()
        await producer.shutdown()
    }
}
