public import Metrics

/// The notification metrics, labelled by target `kind` (`webhook`, `email`, `sms`) only:
///
/// | series | meaning |
/// | --- | --- |
/// | `switchboard_notifications_total` | deliveries by `kind` and `outcome`: `sent`, `dead_lettered` |
/// | `switchboard_notification_attempts_total` | attempts by `kind` and `result`: `ok`, `retriable`, `permanent` |
/// | `switchboard_notification_queue_full_total` | notifications left for the re-drive because the tenant's queue was full |
public struct NotificationMetrics: Sendable {
    private let factory: any MetricsFactory

    /// - Parameter factory: Default the global `MetricsSystem.factory`; tests pass their own.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    func delivered(kind: String, outcome: String) {
        Counter(
            label: "switchboard_notifications_total", dimensions: [("kind", kind), ("outcome", outcome)],
            factory: factory
        ).increment()
    }

    func attempt(kind: String, result: String) {
        Counter(
            label: "switchboard_notification_attempts_total", dimensions: [("kind", kind), ("result", result)],
            factory: factory
        ).increment()
    }

    func queueFull() {
        Counter(label: "switchboard_notification_queue_full_total", dimensions: [], factory: factory).increment()
    }
}
