import Foundation
import SwitchboardKafka
import SwitchboardRuntime
import Testing

@Suite("The time before which everything is through a chain of stages")
struct PipelineWatermarkTests {
    let inbound = TopicPartition(topic: "inbound", partition: 0)
    let identified = TopicPartition(topic: "identified", partition: 0)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    /// One reading of the two-stage chain: (done, high) of each stage's single partition.
    func reading(_ first: (Int64, Int64), _ second: (Int64, Int64)) -> [[TopicPartition: PartitionProgress]] {
        [
            [inbound: PartitionProgress(done: first.0, high: first.1)],
            [identified: PartitionProgress(done: second.0, high: second.1)],
        ]
    }

    @Test func anIdleChainIsThroughAtTheTimeOfTheReading() {
        var watermark = PipelineWatermark(stages: 2)
        #expect(watermark.processedThrough == .distantPast)
        #expect(watermark.observe(readAt: at(0), progress: reading((10, 10), (7, 7))) == at(0))
        #expect(watermark.observe(readAt: at(5), progress: reading((10, 10), (7, 7))) == at(5))
    }

    @Test func aBacklogInTheFirstStageHoldsTheTimeBack() {
        var watermark = PipelineWatermark(stages: 2)
        // At 0 the first stage has 5 records to go: nothing is known to be through.
        #expect(watermark.observe(readAt: at(0), progress: reading((5, 10), (3, 3))) == .distantPast)
        // More keeps arriving; it has now done what was there at 0, but not what came since.
        #expect(watermark.observe(readAt: at(10), progress: reading((10, 20), (8, 8))) == at(0))
    }

    @Test func theSnapshotWaitsForTheSecondStageToFinishWhatTheFirstProduced() {
        var watermark = PipelineWatermark(stages: 2)
        // The first stage is done with everything at 0, but the second still has 4 of its outputs to handle.
        #expect(watermark.observe(readAt: at(0), progress: reading((10, 10), (3, 7))) == .distantPast)
        // The second stage reached 6 of 7: still not through.
        #expect(watermark.observe(readAt: at(1), progress: reading((12, 12), (6, 9))) == .distantPast)
        // It reached 7, the high watermark read once the first stage was done: everything before 0 is through.
        // The reading at 1 is still in the first stage's slot waiting for the second one to free up.
        #expect(watermark.observe(readAt: at(2), progress: reading((12, 12), (7, 9))) == at(0))
        // At 3 the second stage has caught up with what the first produced by 2: the reading at 1 is through.
        #expect(watermark.observe(readAt: at(3), progress: reading((12, 12), (9, 9))) == at(1))
    }

    @Test func aPartitionMissingFromTheReadingIsNotReached() {
        var watermark = PipelineWatermark(stages: 1)
        let other = TopicPartition(topic: "inbound", partition: 1)
        watermark.observe(
            readAt: at(0),
            progress: [[inbound: PartitionProgress(done: 0, high: 4), other: PartitionProgress(done: 2, high: 2)]])
        #expect(
            watermark.observe(readAt: at(1), progress: [[inbound: PartitionProgress(done: 4, high: 4)]])
                == .distantPast)
        #expect(
            watermark.observe(
                readAt: at(2),
                progress: [[inbound: PartitionProgress(done: 4, high: 4), other: PartitionProgress(done: 2, high: 2)]]
            ) == at(0))
    }

    @Test func theTimeNeverMovesBack() {
        var watermark = PipelineWatermark(stages: 1)
        #expect(watermark.observe(readAt: at(10), progress: [[inbound: PartitionProgress(done: 1, high: 1)]]) == at(10))
        #expect(watermark.observe(readAt: at(4), progress: [[inbound: PartitionProgress(done: 1, high: 1)]]) == at(10))
    }
}
