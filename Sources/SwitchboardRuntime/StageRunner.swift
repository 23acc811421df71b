import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka
import SwitchboardObservability

/// The loop every pipeline stage runs: consume a batch, handle each envelope (in order per key, keys in
/// parallel), produce the results and wait for their delivery reports, then commit the batch.
///
/// A stage killed at any point loses nothing: offsets are committed only after everything the batch
/// produced is acknowledged, so a restart re-handles at most the uncommitted batch, and handlers make
/// their effects idempotent. An envelope that cannot be decoded, or that its handler rejects as
/// permanent, goes to the dead-letter topic with the reason; transient failures are retried with backoff.
public final class StageRunner: Service, Sendable {
    /// How a runner consumes and retries.
    public struct Configuration: Sendable {
        /// The stage's name: its consumer group and the `stage` label of its logs and metrics.
        public var stage: String
        /// The topic it consumes.
        public var inputTopic: String
        /// The installation's topics (for dead letters and outputs).
        public var topics: TopicNames
        /// How many keys of one batch are handled at the same time. Default 16.
        public var concurrency: Int = 16
        /// First and longest wait between retries of a transient failure. Defaults 100 ms and 5 s.
        public var initialBackoff: Duration = .milliseconds(100)
        public var maximumBackoff: Duration = .seconds(5)

        /// The consumer group: the topic prefix and the stage, e.g. `switchboard.session`, so installations
        /// (and tests) that share a broker under different prefixes never share a group.
        public var groupID: String { topics.prefix + stage }

        public init(stage: String, inputTopic: String, topics: TopicNames) {
            self.stage = stage
            self.inputTopic = inputTopic
            self.topics = topics
        }
    }

    private let configuration: Configuration
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let handler: any StageHandler
    private let logger: Logger
    private let metrics: StageMetrics

    public init(
        configuration: Configuration,
        kafka: KafkaConfiguration,
        producer: KafkaProducer,
        handler: any StageHandler,
        logger: Logger
    ) throws {
        var logger = logger
        logger[metadataKey: "stage"] = "\(configuration.stage)"
        self.configuration = configuration
        self.consumer = try KafkaConsumer(
            configuration: kafka, groupID: configuration.groupID, topics: [configuration.inputTopic],
            logger: logger)
        self.producer = producer
        self.handler = handler
        self.logger = logger
        self.metrics = StageMetrics(stage: configuration.stage)
    }

    public func run() async throws {
        logger.info("Stage started", metadata: ["topic": "\(configuration.inputTopic)"])
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.reportLag() }
                defer { group.cancelAll() }
                for try await batch in consumer.batches() {
                    guard try await process(batch) else { break }
                }
            }
        } onGracefulShutdown: {
            self.consumer.stop()
        }
        await consumer.close()
        logger.info("Stage stopped")
    }

    /// Handles, produces and commits one batch. Returns false when shutdown interrupted it before the
    /// commit: the batch is then left uncommitted and will be consumed again.
    private func process(_ batch: [KafkaRecord]) async throws -> Bool {
        let started = ContinuousClock.now
        metrics.recordIn(count: batch.count)
        var outputs = Array(repeating: [StageOutput](), count: batch.count)
        var byKey: [[UInt8]: [Int]] = [:]
        for (index, record) in batch.enumerated() { byKey[record.key ?? [], default: []].append(index) }

        let completed = try await withThrowingTaskGroup(of: [(Int, [StageOutput])]?.self) { group in
            var pending = Array(byKey.values)
            var running = 0
            var results: [(Int, [StageOutput])] = []
            while !pending.isEmpty || running > 0 {
                while running < configuration.concurrency, let indices = pending.popLast() {
                    running += 1
                    group.addTask {
                        var handled: [(Int, [StageOutput])] = []
                        for index in indices {
                            guard let produced = await self.handleWithRetry(batch[index]) else { return nil }
                            handled.append((index, produced))
                        }
                        return handled
                    }
                }
                guard let next = try await group.next() else { break }
                running -= 1
                guard let handled = next else {
                    group.cancelAll()
                    return false
                }
                results += handled
            }
            for (index, produced) in results { outputs[index] = produced }
            return true
        }
        guard completed else { return false }

        let records = outputs.flatMap { $0.map(\.record) }
        guard await produceWithRetry(records) else { return false }
        try await consumer.commit(batch)
        metrics.recordProcessing(ContinuousClock.now - started)
        return true
    }

    /// Decodes and handles one record, retrying transient failures; nil when shutdown interrupted it.
    private func handleWithRetry(_ record: KafkaRecord) async -> [StageOutput]? {
        let envelope: Envelope
        do {
            envelope = try EnvelopeCodec().decode(record.value)
        } catch {
            return deadLetter(
                record, reason: "undecodable envelope: \(error)", kind: "undecodable",
                traceId: record.header(EnvelopeHeaders.traceId))
        }
        var logger = self.logger
        logger[metadataKey: "trace_id"] = "\(envelope.traceId)"
        logger[metadataKey: "tenant"] = "\(envelope.tenantId)"
        logger[metadataKey: "envelope_id"] = "\(envelope.id.uuidString.lowercased())"
        let context = StageContext(
            logger: logger, topic: record.topic, partition: record.partition, offset: record.offset,
            topics: configuration.topics)
        var backoff = configuration.initialBackoff
        while true {
            do {
                let produced = try await handler.handle(envelope, context: context)
                for output in produced { metrics.recordOut(topic: output.record.topic) }
                return produced
            } catch let failure as StageFailure {
                logger.warning("Envelope dead-lettered", metadata: ["reason": "\(failure.reason)"])
                return deadLetter(record, reason: failure.reason, kind: "rejected", traceId: envelope.traceId)
            } catch let failure as EnvelopeEncodingError {
                // The same envelope would fail the same way on every retry and hold up its partition.
                logger.warning("Envelope dead-lettered", metadata: ["reason": "\(failure)"])
                return deadLetter(record, reason: failure.description, kind: "unencodable", traceId: envelope.traceId)
            } catch {
                metrics.recordError(kind: "transient")
                logger.warning("Transient failure; retrying", metadata: ["error": "\(error)", "backoff": "\(backoff)"])
                if Task.isCancelled { return nil }
                do { try await Task.sleep(for: backoff) } catch { return nil }
                backoff = min(backoff * 2, configuration.maximumBackoff)
            }
        }
    }

    private func deadLetter(_ record: KafkaRecord, reason: String, kind: String, traceId: String?) -> [StageOutput] {
        metrics.recordDeadLetter(reason: kind)
        let letter = DeadLetter(
            originalTopic: record.topic, partition: record.partition, offset: record.offset,
            key: record.key.map { String(decoding: $0, as: UTF8.self) }, originalBytes: record.value,
            reason: reason, stage: configuration.stage, failedAt: Date(), traceId: traceId)
        do {
            let value = Array(try SwitchboardJSON.makeEncoder().encode(letter))
            var headers = [KafkaHeader(name: "switchboard-deadletter-reason", text: String(reason.prefix(200)))]
            if let traceId { headers.append(KafkaHeader(name: EnvelopeHeaders.traceId, text: traceId)) }
            let outgoing = KafkaOutgoingRecord(
                topic: configuration.topics.deadletter, key: record.key, value: value, headers: headers)
            return [StageOutput(record: outgoing)]
        } catch {
            logger.error("Could not encode a dead letter", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Produces the batch's outputs and waits for all delivery reports, retrying until the broker has them
    /// (duplicates from a retry are harmless: every consumer is idempotent). False when shut down first.
    private func produceWithRetry(_ records: [KafkaOutgoingRecord]) async -> Bool {
        var backoff = configuration.initialBackoff
        while true {
            do {
                try await producer.send(records)
                return true
            } catch {
                metrics.recordError(kind: "produce")
                logger.error("Producing a batch failed; retrying", metadata: ["error": "\(error)"])
                if Task.isCancelled { return false }
                do { try await Task.sleep(for: backoff) } catch { return false }
                backoff = min(backoff * 2, configuration.maximumBackoff)
            }
        }
    }

    /// Publishes consumer lag every few seconds until cancelled.
    private func reportLag() async {
        while !Task.isCancelled {
            for (partition, lag) in await consumer.lag() {
                metrics.setConsumerLag(lag, topic: partition.topic, partition: Int(partition.partition))
            }
            do { try await Task.sleep(for: .seconds(5)) } catch { return }
        }
    }
}
