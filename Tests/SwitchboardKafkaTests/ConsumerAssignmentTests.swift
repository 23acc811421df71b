import Testing

@testable import SwitchboardKafka

@Suite("Consumer assignment state machine")
struct ConsumerAssignmentTests {
    let p0 = TopicPartition(topic: "t", partition: 0)
    let p1 = TopicPartition(topic: "t", partition: 1)

    func record(_ partition: TopicPartition, _ offset: Int64, generation: Int) -> KafkaRecord {
        KafkaRecord(
            topic: partition.topic, partition: partition.partition, offset: offset, key: nil, value: [],
            headers: [], timestamp: nil, generation: generation)
    }

    @Test func commitsTheOffsetAfterTheHighestRecordPerPartition() {
        var state = ConsumerAssignment()
        state.assign([p0, p1])
        let generation = state.generation(of: p0)!
        let plan = state.commitPlan(for: [
            record(p0, 4, generation: generation), record(p0, 9, generation: generation),
            record(p1, 2, generation: generation),
        ])
        #expect(plan.offsets == [p0: 10, p1: 3])
        #expect(plan.skipped == 0)
    }

    @Test func recordsOfARevokedPartitionAreNotCommitted() {
        var state = ConsumerAssignment()
        state.assign([p0, p1])
        let generation = state.generation(of: p0)!
        let inFlight = [record(p0, 5, generation: generation), record(p1, 7, generation: generation)]
        state.revoke([p0])
        let plan = state.commitPlan(for: inFlight)
        #expect(plan.offsets == [p1: 8])
        #expect(plan.skipped == 1)
    }

    @Test func recordsReadBeforeAReassignmentAreNotCommittedUnderTheNewOne() {
        var state = ConsumerAssignment()
        state.assign([p0])
        let old = state.generation(of: p0)!
        state.revoke([p0])
        state.assign([p0])
        #expect(state.generation(of: p0) != old)
        let plan = state.commitPlan(for: [record(p0, 3, generation: old)])
        #expect(plan.offsets.isEmpty)
        #expect(plan.skipped == 1)
    }

    @Test func nothingIsOwnedAfterRevokeAll() {
        var state = ConsumerAssignment()
        state.assign([p0, p1])
        state.revokeAll()
        #expect(state.owned.isEmpty)
    }
}

@Suite("Commit refusals after a rebalance")
struct CommitRefusalTests {
    /// librdkafka's codes: 22 illegal generation, 25 unknown member, 27 rebalance in progress, 82 fenced
    /// instance id. A two-member test on the real broker met 25 when a starved member was rebalanced out,
    /// and its commit stopped the consumer.
    @Test func refusalsThatMeanThePartitionsMovedAreNotFailures() {
        for code: Int32 in [22, 25, 27, 82] {
            let error = KafkaError(code: .broker, underlyingCode: code, reason: "commit", isRetriable: false)
            #expect(error.meansPartitionsMovedToAnotherMember, "\(code)")
        }
        for code: Int32? in [nil, 3, 7, 16, 29, -185] {
            let error = KafkaError(code: .broker, underlyingCode: code, reason: "commit", isRetriable: false)
            #expect(!error.meansPartitionsMovedToAnotherMember, "\(String(describing: code))")
        }
    }
}
