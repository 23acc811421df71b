import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardTestSupport
import Synchronization
import Testing

/// A database that acknowledges writes before they are on disk, like MongoDB between journal flushes: a
/// crash loses what was acknowledged since the last journaled write, and the restarted server is a new epoch.
final class ForgetfulDatabase: DurabilityBarrier {
    struct State {
        var epoch = 1
        var durable: [String] = []
        var acknowledged: [String] = []
        /// Crash right after the write of this text was acknowledged.
        var crashAfter: String?
    }

    let state = Mutex(State())

    func write(_ text: String) {
        state.withLock { state in
            state.acknowledged.append(text)
            if state.crashAfter == text {
                state.crashAfter = nil
                state.acknowledged = []
                state.epoch += 1
            }
        }
    }

    var stored: [String] { state.withLock { $0.durable + $0.acknowledged } }

    func epoch() async throws -> String { state.withLock { "\($0.epoch)" } }

    func makeDurable(since epoch: String) async throws {
        try state.withLock { state in
            state.durable += state.acknowledged
            state.acknowledged = []
            guard "\(state.epoch)" == epoch else { throw WritesMayBeLost() }
        }
    }
}

@Suite("Writes are durable before a stage produces or commits")
struct DurableWritesTests {
    let logger = TestStack.logger("durable-writes")
    let topics = TopicNames(prefix: "unit.")

    /// Stores each text unless it is already stored (the stages' idempotent writes), then passes it on.
    struct StoringHandler: EnvelopeHandler {
        let database: ForgetfulDatabase
        func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
            let text = envelope.content?.textForUnderstanding ?? ""
            if !database.stored.contains(text) { database.write(text) }
            return [.envelope(envelope, to: context.topics.identified)]
        }
    }

    func batch(_ texts: [String]) -> StageBatch {
        let envelopes = texts.map { text in
            Envelope(
                id: UUID(), tenantId: "acme", channel: .webchat, direction: .inbound, externalId: "u-\(text)",
                content: .text(text), receivedAt: Date(), traceId: "trace-\(text)")
        }
        return StageBatch(
            envelopes: envelopes, topic: topics.inbound, generation: 1, topics: topics, logger: logger)
    }

    @Test("a restart during the batch fails every item as transient and drops the handler's caches")
    func restartFailsTheBatch() async throws {
        let database = ForgetfulDatabase()
        database.state.withLock { $0.crashAfter = "b" }
        let forgotten = Atomic<Int>(0)
        let durable = DurableWrites(
            StoringHandler(database: database).perEnvelope(concurrency: 1), barrier: database,
            onLostWrites: { forgotten.add(1, ordering: .relaxed) })
        let results = try await durable.handle(batch(["a", "b", "c"]))
        #expect(results.count == 3)
        for result in results {
            guard case .failed(let error) = result else {
                Issue.record("expected a transient failure, got \(result)")
                continue
            }
            #expect(error is WritesMayBeLost)
        }
        #expect(forgotten.load(ordering: .relaxed) == 1)
        // Handled again, everything is stored and durable.
        let again = try await durable.handle(batch(["a", "b", "c"]))
        #expect(again.allSatisfy { if case .produced = $0 { true } else { false } })
        #expect(database.state.withLock { $0.durable }.sorted() == ["a", "b", "c"])
    }

    @Test("without a restart the results pass through and the writes are durable")
    func noRestart() async throws {
        let database = ForgetfulDatabase()
        let durable = DurableWrites(StoringHandler(database: database).perEnvelope(), barrier: database)
        let results = try await durable.handle(batch(["a", "b"]))
        #expect(results.allSatisfy { if case .produced = $0 { true } else { false } })
        #expect(database.state.withLock { ($0.durable.sorted(), $0.acknowledged) } == (["a", "b"], []))
    }

    @Test("through the runner: a database crash mid-batch loses nothing once the offsets are committed")
    func runnerLosesNothing() async throws {
        let database = ForgetfulDatabase()
        database.state.withLock { $0.crashAfter = "m3" }
        let source = InMemorySource()
        let sink = InMemorySink()
        let maker = RecordMaker(topic: topics.inbound)
        let texts = (0..<8).map { "m\($0)" }
        source.feed(try texts.map { try maker.record($0, from: "u-\($0)", partition: 0) })
        var configuration = StageRunner.Configuration(stage: "unit", inputTopic: topics.inbound, topics: topics)
        configuration.initialBackoff = .milliseconds(1)
        configuration.maximumBackoff = .milliseconds(4)
        let runner = StageRunner(
            configuration: configuration, source: source, sink: sink,
            handler: DurableWrites(StoringHandler(database: database).perEnvelope(), barrier: database),
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            try await withTimeout(.seconds(30), "the runner to commit every record") {
                await source.waitForCommit(TopicPartition(topic: topics.inbound, partition: 0), reaching: 8)
            }
            source.stop()
            try await group.waitForAll()
        }
        #expect(database.state.withLock { $0.durable }.sorted() == texts)
        let passedOn = try sink.envelopes(on: topics.identified).compactMap { $0.content?.textForUnderstanding }
        #expect(Set(passedOn) == Set(texts))
    }
}
