import Foundation
import ServiceLifecycle
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardTestSupport
import Synchronization
import Testing

/// The stage loop against the real local broker.
@Suite("Stage runner against the local broker")
struct StageRunnerTests {
    let logger = TestStack.logger("runner-tests")

    /// Copies each envelope to `identified` with a note; fails transiently the first time it sees "flaky"
    /// and permanently on "poison"; makes an envelope that cannot be written of "unwritable".
    final class EchoHandler: EnvelopeHandler {
        let failures = Mutex<Set<String>>([])

        func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
            let text = envelope.content?.textForUnderstanding ?? ""
            if text == "poison" { throw StageFailure.permanent("poison is never accepted") }
            if text == "flaky", failures.withLock({ $0.insert(text).inserted }) {
                throw CancellationError()  // any non-StageFailure error is transient
            }
            var copy = envelope
            copy.customerId = "customer-\(envelope.externalId)"
            if text == "unwritable" { copy.channelTimestamp = Date(timeIntervalSince1970: .nan) }
            return [.envelope(copy, to: context.topics.identified)]
        }
    }

    func envelope(_ text: String, from user: String, tenant: String = "acme") -> Envelope {
        Envelope(
            id: UUIDv7Generator().next(), tenantId: tenant, channel: .webchat, direction: .inbound,
            externalId: user, content: .text(text), receivedAt: Date(), traceId: "trace-\(text)")
    }

    @Test func handlesInOrderDeadLettersBadInputRetriesTransientFailuresAndCommits() async throws {
        let kafka = try TestStack.kafkaConfiguration()
        let topics = TopicNames(prefix: TestStack.uniqueName("runner") + ".")
        try await TopicBootstrap.ensureTopics(topics, partitions: 3, kafka: kafka, logger: logger)
        let producer = try KafkaProducer(configuration: kafka, logger: logger)

        var inputs: [KafkaOutgoingRecord] = []
        for index in 0..<30 {
            let output = StageOutput.envelope(envelope("m\(index)", from: "u\(index % 3)"), to: topics.inbound)
            inputs.append(try output.record())
        }
        inputs.append(try StageOutput.envelope(envelope("flaky", from: "u1"), to: topics.inbound).record())
        inputs.append(try StageOutput.envelope(envelope("poison", from: "u2"), to: topics.inbound).record())
        // Before the last messages of u0: an output that cannot be encoded must not hold up its partition.
        inputs.insert(try StageOutput.envelope(envelope("unwritable", from: "u0"), to: topics.inbound).record(), at: 20)
        inputs.append(KafkaOutgoingRecord(topic: topics.inbound, key: "garbage", value: Array("{not json".utf8)))
        try await producer.send(inputs)

        let handler = EchoHandler()
        let runner = try StageRunner(
            configuration: StageRunner.Configuration(stage: "echo", inputTopic: topics.inbound, topics: topics),
            kafka: kafka, producer: producer, handler: handler.perEnvelope(), logger: logger)
        let group = ServiceGroup(services: [runner], logger: logger)

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }

            let reader = try KafkaConsumer(
                configuration: kafka, groupID: TestStack.uniqueName("reader"), topics: [topics.identified],
                logger: logger)
            let outputs = try await reader.collect(31)
            await reader.close()
            let letters = try KafkaConsumer(
                configuration: kafka, groupID: TestStack.uniqueName("letters"), topics: [topics.deadletter],
                logger: logger)
            let dead = try await letters.collect(3)
            await letters.close()

            let decoded = try outputs.map { try EnvelopeCodec().decode($0.value) }
            #expect(decoded.count == 31)
            #expect(decoded.filter { $0.content?.textForUnderstanding == "flaky" }.count == 1)
            for user in ["u0", "u1", "u2"] {
                let texts = decoded.filter { $0.externalId == user }.compactMap { $0.content?.textForUnderstanding }
                    .filter { $0.hasPrefix("m") }.compactMap { Int($0.dropFirst()) }
                #expect(texts == texts.sorted(), "per-customer order for \(user)")
            }
            #expect(decoded.allSatisfy { $0.customerId == "customer-\($0.externalId)" })
            #expect(outputs.allSatisfy { $0.header(EnvelopeHeaders.traceId)?.hasPrefix("trace-") == true })

            let reasons = try dead.map {
                try SwitchboardJSON.makeDecoder().decode(DeadLetter.self, from: Data($0.value))
            }
            #expect(reasons.contains { $0.reason.contains("poison is never accepted") && $0.stage == "echo" })
            #expect(reasons.contains { $0.reason.contains("envelope could not be encoded") }, "\(reasons)")
            #expect(
                reasons.contains {
                    $0.reason.contains("undecodable envelope") && $0.originalBytes == Array("{not json".utf8)
                })

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }

        // Everything was committed: a new runner in the same group has nothing left to handle.
        let counting = CountingHandler()
        let secondConfiguration = StageRunner.Configuration(stage: "echo", inputTopic: topics.inbound, topics: topics)
        let second = try StageRunner(
            configuration: secondConfiguration,
            kafka: kafka, producer: producer, handler: counting.perEnvelope(), logger: logger)
        let secondGroup = ServiceGroup(services: [second], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await secondGroup.run() }
            try await producer.send(
                try StageOutput.envelope(envelope("after", from: "u9"), to: topics.inbound).record())
            try await waitUntil("the new record") { !counting.texts.withLock { $0.isEmpty } }
            // Once the group has committed to the end of the topic, any record of the first run handled again
            // would already be among the texts.
            try await KafkaGroupProgress.waitUntilCaughtUp(
                group: secondConfiguration.groupID, topic: topics.inbound, configuration: kafka, logger: logger)
            await secondGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(counting.texts.withLock { $0 } == ["after"])
        await producer.shutdown()
    }

    final class CountingHandler: EnvelopeHandler {
        let texts = Mutex<[String]>([])
        func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
            texts.withLock { $0.append(envelope.content?.textForUnderstanding ?? "") }
            return []
        }
    }
}
