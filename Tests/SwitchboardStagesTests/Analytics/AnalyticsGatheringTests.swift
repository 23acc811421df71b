import SwitchboardStages
import Testing

@Suite("Analytics gathering: records are written together, after an interval or a count")
struct AnalyticsGatheringTests {
    let start = ContinuousClock.now

    @Test func recordsWaitForTheIntervalOfTheFirst() {
        var gathering = AnalyticsGathering(interval: .seconds(1), maximumRecords: 100)
        let due1 = gathering.add(0, at: start)
        #expect(!due1, "nothing gathered: nothing to write")
        #expect(gathering.pollTimeout(at: start) == .seconds(1))
        let due2 = gathering.add(3, at: start)
        #expect(!due2)
        let due3 = gathering.add(2, at: start + .milliseconds(600))
        #expect(!due3)
        #expect(gathering.waiting == 5)
        #expect(gathering.pollTimeout(at: start + .milliseconds(600)) == .milliseconds(400))
        let due4 = gathering.add(0, at: start + .milliseconds(999))
        #expect(!due4)
        let due5 = gathering.add(0, at: start + .seconds(1))
        #expect(due5, "a quiet poll after the interval writes")
        gathering.written()
        #expect(gathering.waiting == 0)
        #expect(!gathering.isDue(at: start + .seconds(5)))
        // The next interval runs from the next record.
        let due6 = gathering.add(1, at: start + .seconds(5))
        #expect(!due6)
        let due7 = gathering.add(0, at: start + .seconds(6))
        #expect(due7)
    }

    @Test func aFullGatheringIsWrittenAtOnce() {
        var gathering = AnalyticsGathering(interval: .seconds(60), maximumRecords: 10)
        let due8 = gathering.add(9, at: start)
        #expect(!due8)
        let due9 = gathering.add(1, at: start + .milliseconds(1))
        #expect(due9)
        #expect(gathering.pollTimeout(at: start + .seconds(61)) == .milliseconds(1), "overdue: poll without waiting")
    }
}
