/// Durations in milliseconds, summarised by nearest-rank percentiles.
struct Latencies {
    private(set) var milliseconds: [Double] = []

    mutating func add(_ value: Double) {
        milliseconds.append(value)
    }

    var count: Int { milliseconds.count }

    /// The `p`th percentile (0...100) by nearest rank; nil when empty.
    func percentile(_ p: Double) -> Double? {
        guard !milliseconds.isEmpty else { return nil }
        let sorted = milliseconds.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// `p50, p95, p99, max` as table cells (`-` when empty).
    var cells: [String] {
        [50, 95, 99, 100].map { p in percentile(p).map { String(format: "%.1f", $0) } ?? "-" }
    }
}
