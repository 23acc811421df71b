public import Metrics

/// The metrics of one pipeline stage (daemon), all labelled `stage`:
///
/// | series | labels |
/// | --- | --- |
/// | `switchboard_records_in_total` | `stage` |
/// | `switchboard_records_out_total` | `stage`, `topic` |
/// | `switchboard_errors_total` | `stage`, `kind` |
/// | `switchboard_deadletters_total` | `stage`, `reason` |
/// | `switchboard_processing_seconds` (histogram) | `stage` |
/// | `switchboard_consumer_lag` (gauge) | `stage`, `topic`, `partition` |
///
/// `kind` and `reason` must come from a small fixed vocabulary (for example `decode`, `store`, `timeout`), never
/// from error messages; past ``seriesLimit`` distinct values per metric, new ones are recorded as `other`.
public struct StageMetrics: Sendable {
    /// The most label combinations one labelled metric of a stage may create.
    public static let seriesLimit = 200

    /// The stage name, for example `message-router`.
    public let stage: String
    private let recordsIn: Counter
    private let processing: Metrics.Timer
    private let recordsOut: LabeledMetrics<Counter>
    private let errors: LabeledMetrics<Counter>
    private let deadLetters: LabeledMetrics<Counter>
    private let consumerLag: LabeledMetrics<Gauge>

    /// Creates the metrics of `stage`.
    ///
    /// - Parameters:
    ///   - stage: The stage name, written as the `stage` label.
    ///   - factory: Where the metrics live. Default the global `MetricsSystem.factory`, which the executable
    ///     bootstrapped; tests pass ``MetricsBootstrap/makeFactory(registry:)``.
    public init(stage: String, factory: any MetricsFactory = MetricsSystem.factory) {
        self.stage = stage
        let stageDimension = [("stage", stage)]
        self.recordsIn = Counter(label: "switchboard_records_in_total", dimensions: stageDimension, factory: factory)
        self.processing = Metrics.Timer(
            label: "switchboard_processing_seconds", dimensions: stageDimension, factory: factory)
        self.recordsOut = LabeledMetrics(
            labelNames: ["topic"], fixedDimensions: stageDimension, limit: Self.seriesLimit
        ) {
            Counter(label: "switchboard_records_out_total", dimensions: $0, factory: factory)
        }
        self.errors = LabeledMetrics(labelNames: ["kind"], fixedDimensions: stageDimension, limit: Self.seriesLimit) {
            Counter(label: "switchboard_errors_total", dimensions: $0, factory: factory)
        }
        self.deadLetters = LabeledMetrics(
            labelNames: ["reason"], fixedDimensions: stageDimension, limit: Self.seriesLimit
        ) {
            Counter(label: "switchboard_deadletters_total", dimensions: $0, factory: factory)
        }
        self.consumerLag = LabeledMetrics(
            labelNames: ["topic", "partition"], fixedDimensions: stageDimension, limit: Self.seriesLimit
        ) {
            Gauge(label: "switchboard_consumer_lag", dimensions: $0, factory: factory)
        }
    }

    /// Counts records taken from the input topic.
    public func recordIn(count: Int = 1) {
        self.recordsIn.increment(by: count)
    }

    /// Counts records written to `topic`.
    public func recordOut(topic: String, count: Int = 1) {
        self.recordsOut(topic).increment(by: count)
    }

    /// Counts a failure of kind `kind` (a fixed word such as `decode`, `store`, `produce`, `timeout`).
    public func recordError(kind: String) {
        self.errors(kind).increment()
    }

    /// Counts a record sent to the dead-letter topic for `reason` (a fixed word such as `malformed`, `poison`).
    public func recordDeadLetter(reason: String) {
        self.deadLetters(reason).increment()
    }

    /// Records how long one record (or batch) took.
    public func recordProcessing(_ duration: Duration) {
        self.processing.record(duration: duration)
    }

    /// Runs `body` and records how long it took, also when it throws.
    public func measureProcessing<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> sending Result
    ) async rethrows -> sending Result {
        let start = ContinuousClock.now
        defer { self.processing.record(duration: ContinuousClock.now - start) }
        return try await body()
    }

    /// Sets how many records the consumer group is behind on `topic`/`partition`.
    public func setConsumerLag(_ lag: Int64, topic: String, partition: Int) {
        self.consumerLag(topic, String(partition)).record(lag)
    }
}
