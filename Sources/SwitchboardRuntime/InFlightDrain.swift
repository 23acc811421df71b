import Foundation
public import SwitchboardCore
public import SwitchboardKafka

/// The pipeline's stages as consumer groups of their input topics.
public enum PipelineStages {
    /// Each stage's name (its consumer group after the topic prefix) and its input topic's short name.
    public static let inputs: [(stage: String, topic: String)] = [
        ("customer-identification", "inbound"),
        ("session", "identified"),
        ("message-router", "sessioned"),
        ("nlp-plugin", "nlp"),
        ("human-handover", "handover"),
        ("channel-webhook-outbound", "outbound"),
    ]

    /// Every stage as a group and topic of an installation.
    public static func groups(_ topics: TopicNames) -> [KafkaGroupProgress.Stage] {
        inputs.map { stage, topic in
            KafkaGroupProgress.Stage(
                group: StageRunner.Configuration(stage: stage, inputTopic: topics.prefix + topic, topics: topics)
                    .groupID,
                topic: topics.prefix + topic)
        }
    }
}

/// Waits until every batch the stages had in hand at a moment has finished.
///
/// A batch in hand holds records below the high watermark its partition had then; once the stage's group has
/// committed up to that watermark, the batch is done, and so are its writes. The erasure of a customer uses
/// this: a batch that read the erasures before the erasure was recorded may still write about the customer,
/// so the data is deleted only after such batches are through.
public enum InFlightDrain {
    /// Whether `now` shows every group past the high watermarks of `then`.
    public static func isDrained(
        since then: [[TopicPartition: PartitionProgress]], now: [[TopicPartition: PartitionProgress]]
    ) -> Bool {
        zip(then, now).allSatisfy { before, after in
            before.allSatisfy { partition, progress in (after[partition]?.done ?? -1) >= progress.high }
        }
    }

    /// Reads the groups' progress now, then again every `interval` until they are past it; false when
    /// `timeout` passed first.
    public static func wait(
        for reader: KafkaGroupProgress, timeout: Duration, interval: Duration = .milliseconds(200)
    ) async throws -> Bool {
        let then = try await reader.read()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if isDrained(since: then, now: try await reader.read()) { return true }
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: interval)
        }
    }
}
