import Foundation
import SwitchboardCore
import Testing

@Suite("search: the time slices read back from the end of the range")
struct SearchWindowsTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func slicesAdjoinGrowWhileEmptyAndReachTheStart() throws {
        let since = Self.now.addingTimeInterval(-30 * 86_400)
        var windows = SearchWindows(since: since, until: nil, now: Self.now)
        var slices: [SearchWindows.Slice] = []
        while let slice = windows.next(kept: 0, needed: 20) { slices.append(slice) }
        #expect(slices.first == .init(from: Self.now.addingTimeInterval(-3600), before: nil), "open to the future")
        #expect(slices[1] == .init(from: Self.now.addingTimeInterval(-9 * 3600), before: slices[0].from))
        for (newer, older) in zip(slices, slices.dropFirst()) { #expect(older.before == newer.from) }
        #expect(slices.last?.from == since)
        #expect(slices.count == 4, "an hour, then eight times the span read so far, up to the start")
        #expect(windows.finished)
    }

    @Test func anEndBoundsTheFirstSliceAndNoStartEndsOpen() {
        let until = Self.now.addingTimeInterval(-86_400)
        var windows = SearchWindows(since: nil, until: until, now: Self.now)
        let first = windows.next(kept: 0, needed: 1)
        #expect(first == .init(from: until.addingTimeInterval(-3600), before: until))
        var last: SearchWindows.Slice?
        var count = 1
        while let slice = windows.next(kept: 0, needed: 1) {
            last = slice
            count += 1
        }
        #expect(last?.from == nil, "past 400 days, the rest in one read")
        #expect(count < 10)
    }

    @Test func theNextSliceIsSizedToWhatIsStillNeeded() throws {
        var windows = SearchWindows(since: nil, until: nil, now: Self.now)
        _ = windows.next(kept: 0, needed: 300)
        // 100 matches in the first hour: 200 more need two hours, and a quarter more for the margin.
        let next = windows.next(kept: 100, needed: 300)
        let slice = try #require(next)
        #expect(slice.from == Self.now.addingTimeInterval(-3600 - 2.5 * 3600))
        #expect(slice.before == Self.now.addingTimeInterval(-3600))
        let enough = windows.next(kept: 300, needed: 300)
        #expect(enough == nil, "enough kept: no more reads")
        // A trickle is capped at eight times the span read so far.
        var sparse = SearchWindows(since: nil, until: nil, now: Self.now)
        _ = sparse.next(kept: 0, needed: 300)
        let trickle = sparse.next(kept: 1, needed: 300)
        let capped = try #require(trickle)
        #expect(capped.from == Self.now.addingTimeInterval(-9 * 3600))
    }
}
