public import Logging
public import SwitchboardCore
public import SwitchboardKafka

/// Creates the installation's topics at start-up when they are missing.
public enum TopicBootstrap {
    /// Creates every topic of `topics` with `partitions` partitions; existing topics are left alone.
    /// Retries for a while so that a daemon started together with its broker waits for it.
    public static func ensureTopics(
        _ topics: TopicNames,
        partitions: Int,
        kafka: KafkaConfiguration,
        logger: Logger,
        attempts: Int = 30
    ) async throws {
        let admin = try KafkaAdmin(configuration: kafka, logger: logger, timeout: .seconds(10))
        let specs = topics.all.map { KafkaTopicSpec(name: $0, partitions: partitions) }
        var attempt = 1
        while true {
            do {
                let created = try await admin.createTopics(specs)
                if !created.isEmpty { logger.info("Created topics", metadata: ["topics": "\(created)"]) }
                return
            } catch let error as KafkaError where error.isRetriable && attempt < attempts {
                logger.warning("Broker not ready for topic creation; retrying", metadata: ["error": "\(error)"])
                attempt += 1
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
