/// Submits jobs at fixed intervals, whatever the answers: job `i` is due at `start + i / rate`. Latencies
/// measured from the due time, not from when a connection was free, so a slow server cannot hide its
/// queue in the load generator (no coordinated omission).
struct OpenLoop {
    /// How the schedule went.
    struct Schedule: Sendable {
        var start: ContinuousClock.Instant
        var lastSubmitted: ContinuousClock.Instant
        var count: Int
        /// The latest any job was handed to the pool after its due time.
        var worstLateness: Duration

        /// Jobs over the time from the start to the last one's submission.
        var offeredRate: Double {
            let seconds = WallClock.seconds(lastSubmitted - start)
            return seconds > 0 ? Double(max(count - 1, 1)) / seconds : Double(count)
        }
    }

    var rate: Double
    var count: Int

    func due(_ index: Int, from start: ContinuousClock.Instant) -> ContinuousClock.Instant {
        start + .nanoseconds(Int64(Double(index) / rate * 1e9))
    }

    /// Hands `make(i, due)` to `pool` for every `i` at its due time; returns after the last submission.
    func drive(
        _ pool: HTTPPool, clock: ContinuousClock, make: (Int, ContinuousClock.Instant) -> HTTPJob
    ) async throws -> Schedule {
        let start = clock.now + .milliseconds(5)
        var index = 0
        var worst = Duration.zero
        var last = start
        while index < count {
            let now = clock.now
            while index < count, due(index, from: start) <= now {
                let dueAt = due(index, from: start)
                pool.submit(make(index, dueAt))
                worst = max(worst, clock.now - dueAt)
                index += 1
            }
            last = clock.now
            guard index < count else { break }
            // Sleeping less than a millisecond costs more CPU than it buys precision; jobs due meanwhile go
            // together, timed from their own due times.
            try await clock.sleep(until: max(due(index, from: start), now + .milliseconds(1)), tolerance: nil)
        }
        return Schedule(start: start, lastSubmitted: last, count: count, worstLateness: worst)
    }
}
