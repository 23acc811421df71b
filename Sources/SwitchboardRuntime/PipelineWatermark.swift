public import Foundation
public import SwitchboardKafka
import Synchronization

/// The time before which every record produced to the first of a chain of stages has been through all of them.
///
/// A timer that acts on the absence of messages (the session sweeper expiring a quiet customer's session) must
/// not trust the wall clock alone: while a stage has a backlog, a message the customer sent within the timeout
/// may still be waiting in a topic. It uses this time instead.
///
/// How: a snapshot of the first stage's high watermarks taken at time `t` is reached once the stage's group has
/// committed past them: everything produced before `t` then has its outputs on the next stage's topic. The
/// snapshot then moves on, with the same `t`, to the next stage's high watermarks read after that, and so on.
/// When the last stage reaches it, everything produced before `t` is through. At most one snapshot waits per
/// stage, so the time trails the wall clock by the chain's processing delay plus about one reading per stage.
public struct PipelineWatermark: Sendable {
    struct Snapshot: Sendable {
        var takenAt: Date
        var highs: [TopicPartition: Int64]
    }

    /// Everything produced to the first stage's topic before this time is through the chain.
    public private(set) var processedThrough: Date = .distantPast
    private var pending: [Snapshot?]

    public init(stages: Int) {
        precondition(stages > 0, "a chain has at least one stage")
        pending = Array(repeating: nil, count: stages)
    }

    /// Takes in one reading of the chain: `progress[i]` is stage `i`'s progress, each stage's high watermarks
    /// read before its committed offsets and the stages read in order, all after `readAt`. Returns the new
    /// `processedThrough`.
    @discardableResult
    public mutating func observe(readAt: Date, progress: [[TopicPartition: PartitionProgress]]) -> Date {
        precondition(progress.count == pending.count, "one reading per stage")
        if pending[0] == nil { pending[0] = Snapshot(takenAt: readAt, highs: progress[0].mapValues(\.high)) }
        for stage in pending.indices {
            guard let snapshot = pending[stage], Self.reached(snapshot, by: progress[stage]) else { continue }
            if stage == pending.count - 1 {
                processedThrough = max(processedThrough, snapshot.takenAt)
                pending[stage] = nil
            } else if pending[stage + 1] == nil {
                // The next stage's high watermarks were read after this stage's committed offsets: they cover
                // every output of the records the snapshot covers.
                pending[stage + 1] = Snapshot(
                    takenAt: snapshot.takenAt, highs: progress[stage + 1].mapValues(\.high))
                pending[stage] = nil
            }
        }
        return processedThrough
    }

    private static func reached(_ snapshot: Snapshot, by progress: [TopicPartition: PartitionProgress]) -> Bool {
        snapshot.highs.allSatisfy { partition, high in (progress[partition]?.done ?? -1) >= high }
    }
}

/// A `PipelineWatermark` fed from the broker: each call reads the chain's consumer groups once.
public final class PipelineProgress: Sendable {
    private let reader: KafkaGroupProgress
    private let watermark: Mutex<PipelineWatermark>
    private let clock: @Sendable () -> Date

    public init(reader: KafkaGroupProgress, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.reader = reader
        self.watermark = Mutex(PipelineWatermark(stages: reader.stages.count))
        self.clock = clock
    }

    /// Reads the chain's progress and returns the time before which everything is through it.
    public func processedThrough() async throws -> Date {
        let readAt = clock()
        let progress = try await reader.read()
        return watermark.withLock { $0.observe(readAt: readAt, progress: progress) }
    }
}
