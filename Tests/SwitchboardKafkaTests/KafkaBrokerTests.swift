import Foundation
import SwitchboardKafka
import SwitchboardTestSupport
import Synchronization
import Testing

/// The adapter against the real local broker (Tansu) that the test command started.
@Suite("Kafka adapter against the local broker")
struct KafkaBrokerTests {
    let logger = TestStack.logger("kafka-tests")

    func makeTopic(partitions: Int) async throws -> String {
        let topic = TestStack.uniqueName("adapter")
        let admin = try KafkaAdmin(configuration: try TestStack.kafkaConfiguration(), logger: logger)
        let created = try await admin.createTopics([KafkaTopicSpec(name: topic, partitions: partitions)])
        #expect(created == [topic])
        return topic
    }

    @Test func createsAndListsTopicsAndIgnoresExistingOnes() async throws {
        let topic = try await makeTopic(partitions: 6)
        let admin = try KafkaAdmin(configuration: try TestStack.kafkaConfiguration(), logger: logger)
        let again = try await admin.createTopics([KafkaTopicSpec(name: topic, partitions: 6)])
        #expect(again.isEmpty)
        let listed = try await admin.listTopics()
        #expect(listed.first { $0.name == topic }?.partitions == 6)
    }

    @Test func keyedMessagesArriveInPerKeyOrder() async throws {
        let topic = try await makeTopic(partitions: 4)
        let configuration = try TestStack.kafkaConfiguration()
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let keys = ["alice", "bob", "carol", "dave", "erin"]
        let perKey = 60
        var records: [KafkaOutgoingRecord] = []
        for sequence in 0..<perKey {
            for key in keys {
                records.append(KafkaOutgoingRecord(topic: topic, key: key, value: Array("\(key):\(sequence)".utf8)))
            }
        }
        let reports = try await producer.send(records)
        #expect(reports.count == records.count)
        #expect(Set(reports.map(\.topic)) == [topic])

        let consumer = try KafkaConsumer(
            configuration: configuration, groupID: TestStack.uniqueName("order"), topics: [topic], logger: logger)
        let received = try await consumer.collect(records.count)
        await consumer.close()

        #expect(received.count == records.count)
        var seen: [String: [Int]] = [:]
        for record in received {
            let text = String(decoding: record.value, as: UTF8.self)
            let parts = text.split(separator: ":")
            #expect(String(decoding: record.key ?? [], as: UTF8.self) == String(parts[0]))
            seen[String(parts[0]), default: []].append(Int(parts[1]) ?? -1)
        }
        for key in keys {
            #expect(seen[key] == Array(0..<perKey), "order of \(key)")
        }
        await producer.shutdown()
    }

    @Test func headersRoundTrip() async throws {
        let topic = try await makeTopic(partitions: 1)
        let configuration = try TestStack.kafkaConfiguration()
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let headers = [
            KafkaHeader(name: "switchboard-trace-id", text: "trace-ü-1"),
            KafkaHeader(name: "switchboard-envelope-version", text: "1"),
            KafkaHeader(name: "binary", value: [0, 255, 7]),
        ]
        try await producer.send(KafkaOutgoingRecord(topic: topic, key: "k", value: Array("v".utf8), headers: headers))
        let consumer = try KafkaConsumer(
            configuration: configuration, groupID: TestStack.uniqueName("headers"), topics: [topic], logger: logger)
        let received = try await consumer.collect(1)
        await consumer.close()
        let record = try #require(received.first)
        #expect(record.headers == headers)
        #expect(record.header("switchboard-trace-id") == "trace-ü-1")
        #expect(record.timestamp != nil)
        await producer.shutdown()
    }

    @Test func restartedConsumerResumesAfterItsLastCommit() async throws {
        let topic = try await makeTopic(partitions: 3)
        let configuration = try TestStack.kafkaConfiguration()
        let group = TestStack.uniqueName("resume")
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        func produce(_ range: Range<Int>) async throws {
            try await producer.send(
                range.map { KafkaOutgoingRecord(topic: topic, key: "k\($0 % 7)", value: Array("\($0)".utf8)) })
        }
        func numbers(_ records: [KafkaRecord]) -> [Int] {
            records.compactMap { Int(String(decoding: $0.value, as: UTF8.self)) }.sorted()
        }

        try await produce(0..<100)
        let first = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: logger)
        let firstRun = try await first.collect(100)
        await first.close()
        #expect(numbers(firstRun) == Array(0..<100))

        try await produce(100..<150)
        let second = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: logger)
        let secondRun = try await second.collect(50)
        // Then a marker for each of the seven keys: in every partition it comes after anything older, so a record
        // the first run committed but that came again would be among the next seven.
        try await produce(150..<157)
        let markers = try await second.collect(7)
        await second.close()
        #expect(numbers(secondRun) == Array(100..<150))
        #expect(numbers(markers) == Array(150..<157))
        await producer.shutdown()
    }

    @Test func twoMembersSplitSixPartitionsAndSeeEveryMessageOnce() async throws {
        let topic = try await makeTopic(partitions: 6)
        let configuration = try TestStack.kafkaConfiguration()
        let group = TestStack.uniqueName("split")
        let groupID = group
        let total = 600
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let a = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: logger)
        let b = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: logger)

        let counter = RecordCounter()
        let settled = Mutex<(Set<TopicPartition>, Set<TopicPartition>)>(([], []))
        try await withTimeout(.seconds(90), "\(total) records across both members") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, consumer) in [("a", a), ("b", b)] {
                    group.addTask {
                        for try await batch in consumer.batches() {
                            // Counted before committed: once the group has committed to the end, every record
                            // handed out, duplicates too, has been counted.
                            await counter.add(batch, member: name)
                            try await consumer.commit(batch)
                        }
                    }
                }
                // Produce only once the group has settled with both members owning partitions.
                while a.assignment.count + b.assignment.count != 6 || a.assignment.isEmpty || b.assignment.isEmpty {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(a.assignment.isDisjoint(with: b.assignment))
                settled.withLock { $0 = (a.assignment, b.assignment) }
                try await producer.send(
                    (0..<total).map {
                        KafkaOutgoingRecord(topic: topic, key: "customer-\($0)", value: Array("\($0)".utf8))
                    })
                try await waitUntil("\(total) records counted", timeout: .seconds(90)) { await counter.count >= total }
                // A duplicate would have been counted by the time the group has committed every partition to the end.
                try await KafkaGroupProgress.waitUntilCaughtUp(
                    group: groupID, topic: topic, configuration: configuration, logger: logger)
                a.stop()
                b.stop()
                try await group.waitForAll()
            }
        }
        let assignedA = a.assignment
        let assignedB = b.assignment
        await a.close()
        await b.close()
        let values = await counter.values
        #expect(Set(values) == Set(0..<total))
        // Each member saw only its own partitions, each record once, unless the group rebalanced meanwhile (a
        // member that misses heartbeats on a starved machine is rebalanced out and back): then partitions move
        // and a record not yet committed may come again, as at least once allows.
        let partitions = await counter.partitions
        if settled.withLock({ $0 }) == (assignedA, assignedB) {
            #expect(values.count == total)
            #expect(partitions["a"].map { $0.isSubset(of: assignedA) } == true)
            #expect(partitions["b"].map { $0.isSubset(of: assignedB) } == true)
        }
        await producer.shutdown()
    }

    @Test func producingToAnUnreachableBrokerFailsRetriablyWithinItsTimeout() async throws {
        var configuration = KafkaConfiguration(brokers: "127.0.0.1:1", clientID: "unreachable")
        configuration.messageTimeout = .seconds(2)
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        // It must not hang: the delivery report says the message timed out (the 2 s above, not the guard here,
        // which only bounds a hang; no tighter bound on time, as a loaded machine stretches any).
        let error = await #expect(throws: KafkaError.self) {
            try await withTimeout(.seconds(60), "the failed delivery report") {
                try await producer.send(KafkaOutgoingRecord(topic: "nowhere", key: "k", value: [1]))
            }
        }
        #expect(error?.isRetriable == true)
        #expect(error?.code == .timedOut)
    }
}

actor RecordCounter {
    private(set) var values: [Int] = []
    private(set) var partitions: [String: Set<TopicPartition>] = [:]
    var count: Int { values.count }

    func add(_ batch: [KafkaRecord], member: String) {
        values += batch.compactMap { Int(String(decoding: $0.value, as: UTF8.self)) }
        partitions[member, default: []].formUnion(batch.map(\.topicPartition))
    }
}
