import SwitchboardKafka
import SwitchboardTestSupport
import Testing

/// Fast tests of the producer against librdkafka's in-process mock cluster: no broker needed.
@Suite("Kafka producer on librdkafka's mock cluster")
struct MockClusterTests {
    func mockConfiguration() -> KafkaConfiguration {
        var configuration = KafkaConfiguration(brokers: "", clientID: "mock")
        configuration.extraProperties["test.mock.num.brokers"] = "1"
        configuration.messageTimeout = .seconds(10)
        return configuration
    }

    @Test func deliveryReportsCarryIncreasingOffsetsPerPartition() async throws {
        let producer = try KafkaProducer(configuration: mockConfiguration(), logger: TestStack.logger("mock"))
        let records = (0..<200).map {
            KafkaOutgoingRecord(topic: "mock-topic", key: "same-key", value: Array("m\($0)".utf8))
        }
        let reports = try await producer.send(records)
        #expect(reports.count == 200)
        #expect(Set(reports.map(\.partition)).count == 1)
        #expect(reports.map(\.offset) == reports.map(\.offset).sorted())
        #expect(Set(reports.map(\.offset)).count == 200)
        let single = try await producer.send(KafkaOutgoingRecord(topic: "mock-topic", key: "same-key", value: [1]))
        #expect(single.offset > reports.last!.offset)
        await producer.shutdown()
    }

    @Test func sendAfterShutdownFailsInsteadOfHanging() async throws {
        let producer = try KafkaProducer(configuration: mockConfiguration(), logger: TestStack.logger("mock"))
        await producer.shutdown()
        let error = await #expect(throws: KafkaError.self) {
            try await withTimeout(.seconds(30), "send after shutdown") {
                try await producer.send(KafkaOutgoingRecord(topic: "t", key: "k", value: [1]))
            }
        }
        #expect(error?.code == .shutDown)
    }
}
