public import SwitchboardKafka

/// The runner's queue of consumed records, one lane per partition: a pure state machine.
///
/// A partition is in at most one batch at a time (`busy`), so its records are handled, produced and committed
/// in order, while the other partitions go on. A lane holding more than `pauseAbove` records asks for its
/// partition to be paused, and to be resumed once it has drained: a stuck partition then holds only its own
/// records in memory.
public struct PartitionLanes: Sendable {
    struct Lane: Sendable {
        var pending: [KafkaRecord] = []
        var busy = false
        var paused = false
    }

    private(set) var lanes: [TopicPartition: Lane] = [:]
    /// Where the next batch starts taking, so that no partition is always last.
    private var rotation = 0
    public let pauseAbove: Int

    public init(pauseAbove: Int) {
        self.pauseAbove = max(1, pauseAbove)
    }

    /// Queues consumed records; returns the partitions to pause.
    public mutating func append(_ records: [KafkaRecord]) -> [TopicPartition] {
        for record in records { lanes[record.topicPartition, default: Lane()].pending.append(record) }
        var pause: [TopicPartition] = []
        for (partition, lane) in lanes where !lane.paused && lane.pending.count > pauseAbove {
            lanes[partition]?.paused = true
            pause.append(partition)
        }
        return pause.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    /// Takes up to `limit` records from partitions not in a batch, in order per partition, and marks those
    /// partitions busy. Records that are no longer current (their partition was revoked since) are dropped.
    public mutating func takeBatch(limit: Int, isCurrent: (KafkaRecord) -> Bool) -> [KafkaRecord] {
        let partitions = lanes.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        guard !partitions.isEmpty else { return [] }
        var batch: [KafkaRecord] = []
        let start = rotation % partitions.count
        rotation &+= 1
        for step in 0..<partitions.count {
            guard batch.count < limit else { break }
            let partition = partitions[(start + step) % partitions.count]
            guard var lane = lanes[partition], !lane.busy, !lane.pending.isEmpty else { continue }
            let before = lane.pending.count
            lane.pending.removeAll { !isCurrent($0) }
            // Revoked (and maybe assigned again, which resumes fetching): the pause is gone with it.
            if lane.pending.count < before { lane.paused = false }
            let taken = lane.pending.prefix(limit - batch.count)
            lane.pending.removeFirst(taken.count)
            batch += taken
            lane.busy = !taken.isEmpty
            lanes[partition] = lane
        }
        return batch
    }

    /// Marks partitions done with their batch; returns those to resume (paused, and drained to half the bound).
    public mutating func finish(_ partitions: Set<TopicPartition>) -> [TopicPartition] {
        var resume: [TopicPartition] = []
        for partition in partitions {
            guard var lane = lanes[partition] else { continue }
            lane.busy = false
            if lane.paused && lane.pending.count <= pauseAbove / 2 {
                lane.paused = false
                resume.append(partition)
            }
            lanes[partition] = lane
        }
        return resume.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    /// Whether a batch could be taken now.
    public var hasWork: Bool { lanes.values.contains { !$0.busy && !$0.pending.isEmpty } }

    /// Whether any partition is in a batch.
    public var hasBusy: Bool { lanes.values.contains { $0.busy } }

    /// Records queued and not yet in a batch.
    public var pendingCount: Int { lanes.values.reduce(0) { $0 + $1.pending.count } }
}
