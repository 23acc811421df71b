import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
public import SwitchboardKafka
import SwitchboardObservability
import Synchronization

/// The loop every pipeline stage runs.
///
/// A poller reads records into one lane per partition while batches are handled. A dispatcher takes what is
/// queued in every partition not already in a batch, up to the batch size, and hands it to the handler at
/// once: keys in parallel, in order per key. Each partition's outputs are produced, and its offsets committed
/// once the broker has acknowledged them, as soon as that partition's items are done, so a record that keeps
/// failing holds up only its own partition; a partition whose lane fills up is paused until it drains.
///
/// A stage killed at any point loses nothing: offsets are committed only after everything the records
/// produced is acknowledged, and handlers make their effects idempotent. An envelope that cannot be
/// decoded, that its handler rejects, whose output cannot be encoded or that the broker refuses for good,
/// goes to the dead-letter topic with the reason; transient failures are retried with backoff, a bounded
/// number of times, then dead-lettered too.
public final class StageRunner: Service, Sendable {
    /// How a runner consumes and retries.
    public struct Configuration: Sendable {
        /// The stage's name: its consumer group and the `stage` label of its logs and metrics.
        public var stage: String
        /// The topic it consumes.
        public var inputTopic: String
        /// The installation's topics (for dead letters and outputs).
        public var topics: TopicNames
        /// Most records handed to the handler at once. Default 500.
        public var maxBatch: Int = 500
        /// Attempts of an item that fails transiently before it is dead-lettered. Default 10.
        public var maxAttempts: Int = 10
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

    let configuration: Configuration
    let source: any StageRecordSource
    let sink: any StageRecordSink
    let handler: any StageHandler
    let logger: Logger
    let metrics: StageMetrics
    private let lanes: Mutex<PartitionLanes>

    /// A runner over any record source and sink (the unit tests' in-memory ones).
    public init(
        configuration: Configuration, source: any StageRecordSource, sink: any StageRecordSink,
        handler: any StageHandler, logger: Logger
    ) {
        var logger = logger
        logger[metadataKey: "stage"] = "\(configuration.stage)"
        self.configuration = configuration
        self.source = source
        self.sink = sink
        self.handler = handler
        self.logger = logger
        self.metrics = StageMetrics(stage: configuration.stage)
        self.lanes = Mutex(PartitionLanes(pauseAbove: 2 * max(1, configuration.maxBatch)))
    }

    /// A runner consuming `configuration.inputTopic` as the stage's consumer group and producing with `producer`.
    public convenience init(
        configuration: Configuration, kafka: KafkaConfiguration, producer: KafkaProducer, handler: any StageHandler,
        logger: Logger
    ) throws {
        var configuration = configuration
        configuration.maxBatch = kafka.maxBatchSize
        var consumerLogger = logger
        consumerLogger[metadataKey: "stage"] = "\(configuration.stage)"
        let consumer = try KafkaConsumer(
            configuration: kafka, groupID: configuration.groupID, topics: [configuration.inputTopic],
            logger: consumerLogger)
        self.init(configuration: configuration, source: consumer, sink: producer, handler: handler, logger: logger)
    }

    public func run() async throws {
        logger.info("Stage started", metadata: ["topic": "\(configuration.inputTopic)"])
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let failure = await withGracefulShutdownHandler {
            await withTaskGroup(of: (any Error)?.self) { group in
                group.addTask {
                    await self.reportLag()
                    return nil
                }
                group.addTask {
                    defer { wake.finish() }
                    do {
                        while let records = try await self.source.nextBatch() {
                            self.metrics.recordIn(count: records.count)
                            let pause = self.lanes.withLock { $0.append(records) }
                            if !pause.isEmpty { self.source.pause(pause) }
                            wake.yield()
                        }
                        return nil
                    } catch {
                        return error
                    }
                }
                await self.dispatch(wakeups, wake: wake)
                group.cancelAll()
                var failure: (any Error)?
                for await result in group { failure = failure ?? result }
                return failure
            }
        } onGracefulShutdown: {
            self.source.stop()
        }
        await source.close()
        if let failure {
            logger.error("Stage stopped: consuming failed", metadata: ["error": "\(failure)"])
            throw failure
        }
        logger.info("Stage stopped")
    }

    /// Starts a batch whenever records wait in a partition that is not in one, until polling ends; then
    /// waits for the batches in flight to complete.
    private func dispatch(_ wakeups: AsyncStream<Void>, wake: AsyncStream<Void>.Continuation) async {
        await withTaskGroup(of: Void.self) { batches in
            for await _ in wakeups {
                while case let batch = takeBatch(), !batch.isEmpty {
                    batches.addTask {
                        await self.process(batch) { partitions in
                            let resume = self.lanes.withLock { $0.finish(partitions) }
                            if !resume.isEmpty { self.source.resume(resume) }
                            wake.yield()
                        }
                    }
                }
            }
        }
    }

    private func takeBatch() -> [KafkaRecord] {
        let source = self.source
        let limit = configuration.maxBatch
        return lanes.withLock { $0.takeBatch(limit: limit, isCurrent: { source.isCurrent($0) }) }
    }

    /// Publishes consumer lag every few seconds until cancelled, also while the topic is idle.
    private func reportLag() async {
        while !Task.isCancelled {
            for (partition, lag) in await source.lag() {
                metrics.setConsumerLag(lag, topic: partition.topic, partition: Int(partition.partition))
            }
            do { try await Task.sleep(for: .seconds(5)) } catch { return }
        }
    }
}
