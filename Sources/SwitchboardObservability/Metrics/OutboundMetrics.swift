public import Metrics

/// Sends to channel providers and webhook signature failures:
/// `switchboard_outbound_sends_total{channel,result}` and `switchboard_webhook_signature_failures_total{channel}`.
public struct OutboundMetrics: Sendable {
    /// How an outbound send ended. A struct rather than an enum so that results can be added without breaking
    /// callers that switch over them.
    public struct Result: Sendable, Hashable, CustomStringConvertible {
        /// The `result` label value.
        public let rawValue: String

        /// The provider accepted the message.
        public static let sent = Result(rawValue: "sent")
        /// The send failed in a way worth retrying (timeout, 5xx, rate limit); it will be retried.
        public static let retried = Result(rawValue: "retried")
        /// The provider refused the message (4xx); retrying will not help.
        public static let rejected = Result(rawValue: "rejected")
        /// The send failed for good after retries.
        public static let failed = Result(rawValue: "failed")

        public var description: String { self.rawValue }
    }

    /// The most label combinations one metric may create; more are recorded as `other`.
    public static let seriesLimit = 100

    private let sends: LabeledMetrics<Counter>
    private let signatureFailures: LabeledMetrics<Counter>

    /// - Parameter factory: Default the global `MetricsSystem.factory`; tests pass their own.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.sends = LabeledMetrics(labelNames: ["channel", "result"], fixedDimensions: [], limit: Self.seriesLimit) {
            Counter(label: "switchboard_outbound_sends_total", dimensions: $0, factory: factory)
        }
        self.signatureFailures = LabeledMetrics(labelNames: ["channel"], fixedDimensions: [], limit: Self.seriesLimit) {
            Counter(label: "switchboard_webhook_signature_failures_total", dimensions: $0, factory: factory)
        }
    }

    /// Counts one outbound send to `channel` that ended with `result`.
    public func recordSend(channel: String, result: Result) {
        self.sends(channel, result.rawValue).increment()
    }

    /// Counts one inbound webhook on `channel` whose signature did not verify.
    public func recordSignatureFailure(channel: String) {
        self.signatureFailures(channel).increment()
    }
}
