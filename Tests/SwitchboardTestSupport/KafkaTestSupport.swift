public import Logging
public import SwitchboardKafka

extension TestStack {
    /// A configuration for the test broker with a short session timeout, so group joins take seconds.
    public static func kafkaConfiguration() throws -> KafkaConfiguration {
        var configuration = KafkaConfiguration(brokers: try kafkaBrokers, clientID: "switchboard-tests")
        configuration.sessionTimeout = .seconds(6)
        configuration.messageTimeout = .seconds(20)
        return configuration
    }

    /// A logger for tests: warnings and worse only, so test output stays readable.
    public static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }
}

extension KafkaConsumer {
    /// Reads batches, committing each, until `count` records have arrived; fails after `limit`.
    public func collect(
        _ count: Int,
        within limit: Duration = .seconds(60),
        commit: Bool = true
    ) async throws -> [KafkaRecord] {
        try await withTimeout(limit, "\(count) records") {
            var records: [KafkaRecord] = []
            for try await batch in self.batches() {
                records += batch
                if commit { try await self.commit(batch) }
                if records.count >= count { break }
            }
            return records
        }
    }
}
