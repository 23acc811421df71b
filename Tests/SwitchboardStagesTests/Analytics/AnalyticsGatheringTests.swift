import SwitchboardStages
import Testing

@Suite("Analytics gathering: records are written together, after an interval or a count")
struct AnalyticsGatheringTests {
    let start = ContinuousClock.now

    @Test func recordsWaitForTheIntervalOfTheFirst() {
        var gathering = AnalyticsGathering(interval: .seconds(1), maximumRecords: 100)
        #expect(!gathering.add(0, at: start), "nothing gathered: nothing to write")
        #expect(gathering.pollTimeout(at: start) == .seconds(1))
        #expect(!gathering.add(3, at: start))
        #expect(!gathering.add(2, at: start + .milliseconds(600)))
        #expect(gathering.waiting == 5)
        #expect(gathering.pollTimeout(at: start + .milliseconds(600)) == .milliseconds(400))
        #expect(!gathering.add(0, at: start + .milliseconds(999)))
        #expect(gathering.add(0, at: start + .seconds(1)), "a quiet poll after the interval writes")
        gathering.written()
        #expect(gathering.waiting == 0)
        #expect(!gathering.isDue(at: start + .seconds(5)))
        // The next interval runs from the next record.
        #expect(!gathering.add(1, at: start + .seconds(5)))
        #expect(gathering.add(0, at: start + .seconds(6)))
    }

    @Test func aFullGatheringIsWrittenAtOnce() {
        var gathering = AnalyticsGathering(interval: .seconds(60), maximumRecords: 10)
        #expect(!gathering.add(9, at: start))
        #expect(gathering.add(1, at: start + .milliseconds(1)))
        #expect(gathering.pollTimeout(at: start + .seconds(61)) == .milliseconds(1), "overdue: poll without waiting")
    }
}
