import Foundation
import Logging
import SwitchboardKafka

/// The broker's rate through the project's own Kafka adapter: records produced with `KafkaProducer.send`
/// to a fresh topic, then read back by a new consumer group with `batches()` and `commit`, as a stage does.
struct BrokerLimit {
    struct Result {
        var records: Int
        var produceSeconds: Double
        /// From the first batch to the last record (the group join before it is `joinSeconds`).
        var consumeSeconds: Double
        var joinSeconds: Double

        var produceRate: Double { Double(records) / max(produceSeconds, 1e-9) }
        var consumeRate: Double { Double(records) / max(consumeSeconds, 1e-9) }

        /// Records per second through `hops` produce-and-consume hops done one after another by one
        /// client: 1 / (hops / produce + hops / consume).
        func bound(hops: Int) -> Double { 1 / (Double(hops) / produceRate + Double(hops) / consumeRate) }
    }

    var configuration: KafkaConfiguration
    var records: Int
    var valueBytes: Int
    var customers: Int
    var partitions: Int
    /// Records per `send` call, and calls in flight at once.
    var chunk: Int
    var inFlight: Int
    var logger: Logger

    func measure() async throws -> Result {
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let topic = "bench-broker-\(run)"
        try await KafkaAdmin(configuration: configuration, logger: logger).createTopics([
            KafkaTopicSpec(name: topic, partitions: partitions)
        ])
        let outgoing = (0..<records).map { index in
            KafkaOutgoingRecord(topic: topic, key: "customer-\(index % customers)", value: value(index))
        }
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        // A first record opens the connections; it is read back but not timed.
        try await producer.send(KafkaOutgoingRecord(topic: topic, key: "warm-up", value: value(-1)))
        let clock = ContinuousClock()
        let produceStart = clock.now
        try await send(outgoing, with: producer)
        let produceSeconds = WallClock.seconds(clock.now - produceStart)
        await producer.shutdown()

        let consumer = try KafkaConsumer(
            configuration: configuration, groupID: "bench-broker-\(run)", topics: [topic], logger: logger)
        let joinStart = clock.now
        var firstBatch: ContinuousClock.Instant?
        var seen = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: .seconds(120))
                consumer.stop()
            }
            for try await batch in consumer.batches() {
                if firstBatch == nil { firstBatch = clock.now }
                seen += batch.count
                try await consumer.commit(batch)
                if seen >= records + 1 { break }
            }
            group.cancelAll()
        }
        let end = clock.now
        await consumer.close()
        guard seen >= records + 1, let firstBatch else {
            throw BenchFailure.failed("read back \(seen) of \(records + 1) records within 120 s")
        }
        return Result(
            records: records, produceSeconds: produceSeconds, consumeSeconds: WallClock.seconds(end - firstBatch),
            joinSeconds: WallClock.seconds(firstBatch - joinStart))
    }

    /// `inFlight` send calls of `chunk` records at a time, as stages hand whole batches to the producer.
    private func send(_ outgoing: [KafkaOutgoingRecord], with producer: KafkaProducer) async throws {
        let chunks = stride(from: 0, to: outgoing.count, by: chunk).map {
            Array(outgoing[$0..<min($0 + chunk, outgoing.count)])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(inFlight, chunks.count) {
                let records = chunks[next]
                group.addTask { try await producer.send(records) }
                next += 1
            }
            while try await group.next() != nil, next < chunks.count {
                let records = chunks[next]
                group.addTask { try await producer.send(records) }
                next += 1
            }
            try await group.waitForAll()
        }
    }

    /// About the size of an encoded envelope: JSON with the index, padded to `valueBytes`.
    private func value(_ index: Int) -> [UInt8] {
        let head = Array("{\"id\":\"\(index)\",\"tenant_id\":\"demo\",\"channel\":\"webchat\",\"text\":\"".utf8)
        let tail = Array("\"}".utf8)
        let padding = max(0, valueBytes - head.count - tail.count)
        return head + [UInt8](repeating: UInt8(ascii: "x"), count: padding) + tail
    }
}
