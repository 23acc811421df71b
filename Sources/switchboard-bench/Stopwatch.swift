/// One in-process benchmark: `run(n)` performs `n` operations and returns a checksum of their results, so
/// the optimiser cannot drop the work.
struct MicroBenchmark {
    var name: String
    var detail: String
    var run: (Int) -> Int
}

/// The figures of one benchmark: iterations per run and the median time per operation over the runs.
struct MicroResult {
    var name: String
    var detail: String
    var iterations: Int
    var runs: Int
    var nanosecondsPerOp: [Double]

    var medianNanoseconds: Double {
        let sorted = nanosecondsPerOp.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var opsPerSecond: Double { 1e9 / medianNanoseconds }
}

/// Times benchmarks with the monotonic clock.
struct Stopwatch {
    /// Timed runs per benchmark; the median is reported.
    var runs: Int
    /// How long one timed run should last; the iteration count is calibrated to it.
    var runTime: Duration
    private(set) var checksum = 0

    init(runs: Int, runTime: Duration) {
        self.runs = runs
        self.runTime = runTime
    }

    /// Warms up and calibrates `benchmark`, then times `runs` runs of the calibrated iteration count.
    mutating func measure(_ benchmark: MicroBenchmark) -> MicroResult {
        let clock = ContinuousClock()
        // Double the count until a run lasts a quarter of the target, then scale it to the target.
        var iterations = 1
        while true {
            let elapsed = time(benchmark, iterations, clock)
            if elapsed * 4 >= runTime || iterations >= 1 << 30 {
                let scale = Self.nanoseconds(runTime) / max(Self.nanoseconds(elapsed), 1)
                iterations = max(1, Int(Double(iterations) * scale))
                break
            }
            iterations *= 2
        }
        let perOp = (0..<runs).map { _ in
            Self.nanoseconds(time(benchmark, iterations, clock)) / Double(iterations)
        }
        return MicroResult(
            name: benchmark.name, detail: benchmark.detail, iterations: iterations, runs: runs,
            nanosecondsPerOp: perOp)
    }

    private mutating func time(_ benchmark: MicroBenchmark, _ iterations: Int, _ clock: ContinuousClock) -> Duration {
        let start = clock.now
        let result = benchmark.run(iterations)
        let elapsed = clock.now - start
        checksum &+= result
        return elapsed
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        duration / .nanoseconds(1)
    }
}
