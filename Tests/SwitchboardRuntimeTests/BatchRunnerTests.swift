import Foundation
import ServiceLifecycle
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardTestSupport
import Synchronization
import Testing

/// The batch runner with an in-memory source and sink: no broker.
@Suite("Batch runner with in-memory fakes")
struct BatchRunnerTests {
    let logger = TestStack.logger("batch-runner")
    let topics = TopicNames(prefix: "unit.")

    /// Copies each envelope to `identified`, recording the order it saw each user's texts in; fails
    /// transiently on "poison" every time, and on "stuck" until released.
    final class RecordingHandler: EnvelopeHandler {
        let seen = Mutex<[String: [String]]>([:])
        let attempts = Mutex<[String: Int]>([:])
        let released = Mutex(false)
        let stuckReached = Mutex(false)

        func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
            let text = envelope.content?.textForUnderstanding ?? ""
            attempts.withLock { $0[text, default: 0] += 1 }
            if text == "poison" { throw CancellationError() }
            if text == "stuck", !released.withLock({ $0 }) {
                stuckReached.withLock { $0 = true }
                throw CancellationError()
            }
            seen.withLock { $0[envelope.externalId, default: []].append(text) }
            return [.envelope(envelope, to: context.topics.identified)]
        }

        func release() {
            released.withLock { $0 = true }
        }
    }

    func runner(
        _ handler: some StageHandler, source: InMemorySource, sink: InMemorySink, attempts: Int = 3
    ) -> StageRunner {
        var configuration = StageRunner.Configuration(stage: "unit", inputTopic: topics.inbound, topics: topics)
        configuration.maxAttempts = attempts
        configuration.initialBackoff = .milliseconds(1)
        configuration.maximumBackoff = .milliseconds(4)
        configuration.maxBatch = 100
        return StageRunner(configuration: configuration, source: source, sink: sink, handler: handler, logger: logger)
    }

    /// Runs the runner until every partition's committed offset reaches the given one, then stops it.
    func run(_ runner: StageRunner, source: InMemorySource, until committed: [Int32: Int64]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            try await withTimeout(.seconds(30), "the runner to commit \(committed)") {
                for (partition, offset) in committed {
                    await source.waitForCommit(
                        TopicPartition(topic: "unit.inbound", partition: partition), reaching: offset)
                }
            }
            source.stop()
            try await group.waitForAll()
        }
    }

    @Test func keepsOrderPerKeyWithinABatchAndCommitsEveryPartition() async throws {
        let source = InMemorySource()
        let sink = InMemorySink()
        let maker = RecordMaker(topic: topics.inbound)
        var records: [KafkaRecord] = []
        for index in 0..<60 {
            let user = "u\(index % 4)"
            records.append(try maker.record("m\(index)", from: user, partition: Int32(index % 4 % 2)))
        }
        source.feed(records)
        let handler = RecordingHandler()
        try await run(
            runner(handler.perEnvelope(concurrency: 4), source: source, sink: sink), source: source,
            until: [0: 30, 1: 30])
        let out = try sink.envelopes(on: topics.identified)
        #expect(out.count == 60)
        for user in ["u0", "u1", "u2", "u3"] {
            let expected = (0..<60).filter { "u\($0 % 4)" == user }.map { "m\($0)" }
            #expect(handler.seen.withLock { $0[user] } == expected)
            #expect(out.filter { $0.externalId == user }.compactMap { $0.content?.textForUnderstanding } == expected)
        }
    }

    @Test func aPoisonRecordIsDeadLetteredAfterBoundedRetriesAndItsKeyGoesOn() async throws {
        let source = InMemorySource()
        let sink = InMemorySink()
        let maker = RecordMaker(topic: topics.inbound)
        source.feed([
            try maker.record("a", from: "u1", partition: 0), try maker.record("poison", from: "u1", partition: 0),
            try maker.record("b", from: "u1", partition: 0), try maker.record("c", from: "u2", partition: 0),
        ])
        let handler = RecordingHandler()
        try await run(runner(handler.perEnvelope(), source: source, sink: sink), source: source, until: [0: 4])
        let letters = try sink.deadLetters(on: topics.deadletter)
        #expect(letters.count == 1)
        #expect(letters.first?.reason.hasPrefix("gave up after 3 attempts") == true, "\(letters)")
        #expect(letters.first?.stage == "unit")
        #expect(handler.attempts.withLock { $0["poison"] } == 3)
        #expect(handler.seen.withLock { $0["u1"] } == ["a", "b"])
        #expect(try sink.envelopes(on: topics.identified).count == 3)
    }

    @Test func anOutputTheBrokerRefusesForGoodIsDeadLettered() async throws {
        let source = InMemorySource()
        let marker = Array("refuse-me".utf8)
        let sink = InMemorySink { record in
            record.topic != "unit.deadletter" && record.value.firstRange(of: marker) != nil
        }
        let maker = RecordMaker(topic: topics.inbound)
        source.feed([
            try maker.record("refuse-me", from: "u1", partition: 0), try maker.record("fine", from: "u1", partition: 0),
        ])
        try await run(
            runner(RecordingHandler().perEnvelope(), source: source, sink: sink), source: source, until: [0: 2])
        let letters = try sink.deadLetters(on: topics.deadletter)
        #expect(letters.count == 1)
        #expect(letters.first?.reason.contains("the broker refused an output") == true)
        #expect(try sink.envelopes(on: topics.identified).map { $0.content?.textForUnderstanding } == ["fine"])
    }

    @Test func aStuckPartitionDoesNotStallTheOthers() async throws {
        let source = InMemorySource()
        let sink = InMemorySink()
        let maker = RecordMaker(topic: topics.inbound)
        let handler = RecordingHandler()
        // Retried for as long as the test needs (up to 100 000 attempts, 4 ms apart at most).
        let stage = runner(handler.perEnvelope(), source: source, sink: sink, attempts: 100_000)
        let p0 = TopicPartition(topic: "unit.inbound", partition: 0)
        let p1 = TopicPartition(topic: "unit.inbound", partition: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await stage.run() }
            source.feed([
                try maker.record("stuck", from: "u0", partition: 0), try maker.record("x1", from: "u1", partition: 1),
            ])
            try await withTimeout(.seconds(30), "partition 1's first record") {
                await source.waitForCommit(p1, reaching: 1)
            }
            // The batch's one handler call saw the stuck record fail before partition 1 was committed.
            #expect(handler.stuckReached.withLock { $0 })
            // Later records: partition 1 goes on while partition 0 waits behind its stuck record.
            source.feed([
                try maker.record("x2", from: "u1", partition: 1), try maker.record("y", from: "u0", partition: 0),
            ])
            try await withTimeout(.seconds(30), "partition 1's second record") {
                await source.waitForCommit(p1, reaching: 2)
            }
            #expect(source.committed(p0) == nil)
            #expect(handler.seen.withLock { $0["u0"] } == nil)
            handler.release()
            try await withTimeout(.seconds(30), "partition 0") {
                await source.waitForCommit(p0, reaching: 2)
            }
            #expect(handler.seen.withLock { $0["u0"] } == ["stuck", "y"])
            source.stop()
            try await group.waitForAll()
        }
    }

    @Test func aLaneAboveItsBoundIsPausedAndResumedOnceDrained() throws {
        var lanes = PartitionLanes(pauseAbove: 4)
        let maker = RecordMaker(topic: "t")
        let records = try (0..<6).map { try maker.record("m\($0)", from: "u", partition: 0) }
        #expect(lanes.append(Array(records.prefix(4))).isEmpty)
        #expect(lanes.append(Array(records.suffix(2))) == [TopicPartition(topic: "t", partition: 0)])
        let first = lanes.takeBatch(limit: 5, isCurrent: { _ in true })
        #expect(first.map(\.offset) == [0, 1, 2, 3, 4])
        // Busy: nothing more from this partition until the batch is finished.
        #expect(lanes.takeBatch(limit: 5, isCurrent: { _ in true }).isEmpty)
        #expect(lanes.finish([TopicPartition(topic: "t", partition: 0)]) == [TopicPartition(topic: "t", partition: 0)])
        #expect(lanes.takeBatch(limit: 5, isCurrent: { _ in true }).map(\.offset) == [5])
    }
}
