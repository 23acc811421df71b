/// Which partitions a consumer owns, and under which assignment generation.
///
/// A pure state machine: the rebalance callback feeds it assignments and revocations, the poll loop tags each
/// record with its partition's generation, and a commit keeps only records whose partition is still owned
/// under the same generation. Work in flight for a revoked partition is therefore never committed: the
/// partition's new owner re-reads it from the last commit (at least once), instead of two owners committing.
struct ConsumerAssignment: Sendable {
    private var generations: [TopicPartition: Int] = [:]
    private var nextGeneration = 1

    /// The partitions owned now.
    var owned: Set<TopicPartition> { Set(generations.keys) }

    /// The generation a record read now from this partition belongs to, or nil when it is not owned.
    func generation(of partition: TopicPartition) -> Int? {
        generations[partition]
    }

    mutating func assign(_ partitions: [TopicPartition]) {
        for partition in partitions {
            generations[partition] = nextGeneration
        }
        nextGeneration += 1
    }

    mutating func revoke(_ partitions: [TopicPartition]) {
        for partition in partitions { generations.removeValue(forKey: partition) }
    }

    mutating func revokeAll() {
        generations.removeAll()
    }

    /// What to commit for these records: per owned partition, the offset after the highest record read under
    /// the current generation; and how many records were left out because their partition was revoked.
    func commitPlan(for records: [KafkaRecord]) -> (offsets: [TopicPartition: Int64], skipped: Int) {
        var offsets: [TopicPartition: Int64] = [:]
        var skipped = 0
        for record in records {
            let partition = record.topicPartition
            guard let current = generations[partition], current == record.generation else {
                skipped += 1
                continue
            }
            offsets[partition] = max(offsets[partition] ?? 0, record.offset + 1)
        }
        return (offsets, skipped)
    }
}
