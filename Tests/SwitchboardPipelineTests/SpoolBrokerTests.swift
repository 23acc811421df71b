import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The spool against the real local broker: webhooks accepted while no broker listens are replayed into
/// Tansu once one is there, each exactly once and in each customer's order.
@Suite("Inbound spool against the local broker")
struct SpoolBrokerTests {
    @Test func webhooksSpooledWithoutABrokerArriveOnceAndInOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestStack.uniqueName("spool"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let logger = TestStack.logger("spool-broker-tests")
        let topics = TopicNames(prefix: TestStack.uniqueName("spool") + ".")
        var settings = InboundSpoolConfiguration(directory: directory)
        settings.publishTimeout = .milliseconds(300)

        // No broker listens on port 1: every webhook is answered from the spool.
        var deadKafka = KafkaConfiguration(brokers: "127.0.0.1:1", clientID: "spool-tests")
        deadKafka.messageTimeout = .milliseconds(1500)
        var quiet = logger
        quiet.logLevel = .critical
        let deadProducer = try KafkaProducer(configuration: deadKafka, logger: quiet)
        let customers = ["alice", "bob", "carol"]
        let perCustomer = 5
        var sent: [UUID] = []
        do {
            let spool = try await InboundSpool.open(configuration: settings, sink: deadProducer, logger: quiet)
            let publisher = InboundPublisher(producer: deadProducer, topics: topics, spool: spool)
            sent = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await spool.run() }
                defer { group.cancelAll() }
                var ids: [UUID] = []
                for index in 0..<perCustomer {
                    for customer in customers {
                        let envelope = Envelope(
                            id: UUID(), tenantId: "acme", channel: .webchat, direction: .inbound,
                            externalId: customer, content: .text("\(customer) \(index)"), receivedAt: Date(),
                            traceId: "trace-\(customer)")
                        try await publisher.publish([envelope])
                        ids.append(envelope.id)
                    }
                }
                return ids
            }
            #expect(spool.depth.records == customers.count * perCustomer)
        }
        await deadProducer.shutdown(timeout: .milliseconds(100))

        // channel-webhook restarts with the broker back: the new spool replays what the old one left.
        let producer = try KafkaProducer(configuration: try TestStack.kafkaConfiguration(), logger: logger)
        let spool = try await InboundSpool.open(configuration: settings, sink: producer, logger: logger)
        #expect(spool.depth.records == customers.count * perCustomer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await spool.run() }
            defer { group.cancelAll() }
            try await withTimeout(.seconds(60), "the spool to drain") {
                await spool.waitUntilEmpty()
            }
        }
        await producer.shutdown(timeout: .seconds(5))
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasPrefix("segment-")
        }
        #expect(segments.isEmpty)

        let consumer = try KafkaConsumer(
            configuration: try TestStack.kafkaConfiguration(), groupID: TestStack.uniqueName("spool-read"),
            topics: [topics.inbound], logger: logger)
        let received = try await consumer.collect(sent.count)
        // Anything more would be a duplicate: give it the time of one more fetch.
        let extra = try? await withTimeout(.seconds(2), "a duplicate") { try await consumer.collect(1) }
        await consumer.close()
        #expect(extra == nil || extra?.isEmpty == true, "a record arrived twice")

        let envelopes = try received.map { try EnvelopeCodec().decode($0.value) }
        #expect(envelopes.count == sent.count)
        #expect(Set(envelopes.map(\.id)) == Set(sent))
        for customer in customers {
            let texts = envelopes.filter { $0.externalId == customer }.map { envelope -> String in
                guard case .text(let text)? = envelope.content else { return "" }
                return text
            }
            #expect(texts == (0..<perCustomer).map { "\(customer) \($0)" }, "order of \(customer)")
        }
    }
}
