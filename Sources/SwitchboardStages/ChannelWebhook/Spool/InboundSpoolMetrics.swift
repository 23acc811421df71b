public import Metrics

/// The spool's metrics:
///
/// | series | meaning |
/// | --- | --- |
/// | `switchboard_spool_records` (gauge) | Kafka records spooled and not yet acknowledged by the broker |
/// | `switchboard_spool_bytes` (gauge) | their bytes in the spool's files |
/// | `switchboard_spool_oldest_age_seconds` (gauge) | age of the oldest of them; 0 when the spool is empty |
/// | `switchboard_spool_writes_total` | webhooks written to the spool, by `result` (`spooled`, `full`, `unwritable`) |
/// | `switchboard_spool_replayed_records_total` | records the replay delivered |
/// | `switchboard_spool_dropped_records_total` | records dropped because the broker refused them for good |
public struct InboundSpoolMetrics: Sendable {
    private let records: Gauge
    private let bytes: Gauge
    private let oldestAge: Gauge
    private let spooled: Counter
    private let full: Counter
    private let unwritable: Counter
    private let replayed: Counter
    private let dropped: Counter

    /// - Parameter factory: Default the global `MetricsSystem.factory`; tests pass their own.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        records = Gauge(label: "switchboard_spool_records", dimensions: [], factory: factory)
        bytes = Gauge(label: "switchboard_spool_bytes", dimensions: [], factory: factory)
        oldestAge = Gauge(label: "switchboard_spool_oldest_age_seconds", dimensions: [], factory: factory)
        spooled = Counter(
            label: "switchboard_spool_writes_total", dimensions: [("result", "spooled")], factory: factory)
        full = Counter(label: "switchboard_spool_writes_total", dimensions: [("result", "full")], factory: factory)
        unwritable = Counter(
            label: "switchboard_spool_writes_total", dimensions: [("result", "unwritable")], factory: factory)
        replayed = Counter(label: "switchboard_spool_replayed_records_total", dimensions: [], factory: factory)
        dropped = Counter(label: "switchboard_spool_dropped_records_total", dimensions: [], factory: factory)
    }

    func recordDepth(records count: Int, bytes size: Int) {
        records.record(count)
        bytes.record(size)
    }

    func recordOldestAge(_ seconds: Double) {
        oldestAge.record(seconds)
    }

    func recordWrite(_ result: Result<SpoolPosition, SpoolError>) {
        switch result {
        case .success: spooled.increment()
        case .failure(let error) where error.code == .full: full.increment()
        case .failure: unwritable.increment()
        }
    }

    func recordReplayed(_ count: Int) { replayed.increment(by: count) }

    func recordDropped(_ count: Int) { dropped.increment(by: count) }
}
