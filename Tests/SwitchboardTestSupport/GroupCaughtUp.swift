public import Logging
public import SwitchboardKafka

extension KafkaGroupProgress {
    /// Waits until each of `stages` (a consumer group and its topic) has committed everything in every partition
    /// of its topic: lag zero. Stages are read in order in one pass, so for a chain of stages listed upstream
    /// first, one pass with every lag at zero means the whole chain had nothing left in hand.
    ///
    /// For "nothing more happens" checks: once a group has committed up to the end, a redelivered or duplicated
    /// record has already been handled.
    public static func waitUntilCaughtUp(
        _ stages: [Stage], configuration: KafkaConfiguration, logger: Logger, timeout: Duration = .seconds(60)
    ) async throws {
        let progress = try KafkaGroupProgress(stages: stages, configuration: configuration, logger: logger)
        let names = stages.map(\.group).joined(separator: ", ")
        try await waitUntil("\(names) to commit to the end of their topics", timeout: timeout, poll: .milliseconds(100))
        {
            try await progress.read().allSatisfy { partitions in
                !partitions.isEmpty && partitions.values.allSatisfy { $0.done >= $0.high }
            }
        }
    }

    /// Waits until consumer group `group` has committed everything in every partition of `topic`.
    public static func waitUntilCaughtUp(
        group: String, topic: String, configuration: KafkaConfiguration, logger: Logger,
        timeout: Duration = .seconds(60)
    ) async throws {
        try await waitUntilCaughtUp(
            [Stage(group: group, topic: topic)], configuration: configuration, logger: logger, timeout: timeout)
    }
}
