import Synchronization

/// Metrics of one name, created once per label-value combination and cached, with a ceiling on how many
/// combinations exist so that an unexpected label value (a topic from user data, an error string) cannot
/// flood Prometheus with series.
///
/// Once ``limit`` combinations exist, every new combination is recorded under the value `other`.
final class LabeledMetrics<Metric: Sendable>: Sendable {
    /// The value a label gets once the series limit is reached.
    static var overflowValue: String { "other" }

    private let labelNames: [String]
    private let fixedDimensions: [(String, String)]
    private let limit: Int
    private let make: @Sendable ([(String, String)]) -> Metric
    private let series: Mutex<[[String]: Metric]>

    init(
        labelNames: [String],
        fixedDimensions: [(String, String)],
        limit: Int,
        make: @escaping @Sendable ([(String, String)]) -> Metric
    ) {
        self.labelNames = labelNames
        self.fixedDimensions = fixedDimensions
        self.limit = limit
        self.make = make
        self.series = Mutex([:])
    }

    func callAsFunction(_ values: String...) -> Metric {
        precondition(values.count == self.labelNames.count, "one value per label: \(self.labelNames)")
        return self.series.withLock { series in
            if let metric = series[values] {
                return metric
            }
            let values =
                series.count >= self.limit ? Array(repeating: Self.overflowValue, count: values.count) : values
            if let metric = series[values] {
                return metric
            }
            let metric = self.make(self.fixedDimensions + Array(zip(self.labelNames, values)))
            series[values] = metric
            return metric
        }
    }
}
