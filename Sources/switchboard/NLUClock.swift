import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall-clock and CPU time of a piece of work, for `switchboard nlu`: on a shared machine the CPU time
/// is what one free core would take.
enum NLUClock {
    /// CPU seconds of the calling thread.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Runs `body` and returns its result with wall and CPU seconds.
    static func measure<T>(_ body: () throws -> T) rethrows -> (value: T, wall: Double, cpu: Double) {
        let clock = ContinuousClock()
        let cpuStart = threadCPUSeconds()
        let start = clock.now
        let value = try body()
        let wall = clock.now - start
        let cpu = threadCPUSeconds() - cpuStart
        return (value, Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18, cpu)
    }
}
