import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages

/// What every operator command reads from the environment: the broker, the topic prefix, the database.
struct OperatorContext {
    let environment: [String: String]
    let kafka: KafkaConfiguration
    let topics: TopicNames
    let logger: Logger

    /// Each stage's consumer group suffix and the topic it reads (without the prefix).
    static let stageInputs = PipelineStages.inputs

    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.environment = environment
        do {
            kafka = try KafkaConfiguration(environment: environment)
        } catch {
            throw CLIFailure.usage("Kafka settings: \(error)")
        }
        topics = TopicNames(prefix: environment["SWITCHBOARD_TOPIC_PREFIX"] ?? "switchboard.")
        var logger = Logger(label: "switchboard-cli")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// A topic from what the operator typed: a full topic name, a short name (`inbound`), or a stage (its input).
    func topic(named name: String) -> String {
        if let stage = Self.stageInputs.first(where: { $0.stage == name }) { return topics.prefix + stage.topic }
        if name == "channel-webhook" { return topics.outbound }
        if name.hasPrefix(topics.prefix) { return name }
        return topics.prefix + name
    }

    /// A partition reader that has reached the broker; broker trouble becomes exit 4.
    func reader() async throws -> KafkaPartitionReader {
        do {
            let reader = try KafkaPartitionReader(configuration: kafka, logger: logger, timeout: .seconds(8))
            _ = try await reader.partitions(of: [])
            return reader
        } catch {
            throw CLIFailure.broker(kafka.brokers, error)
        }
    }

    /// Runs a broker operation, turning its errors into exit 4.
    func broker<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure.broker(kafka.brokers, error)
        }
    }

    /// The pipeline's database after a ping; trouble becomes exit 5.
    func database() async throws -> SwitchboardDatabase {
        let configuration: MongoConfiguration
        do {
            configuration = try MongoConfiguration(environment: environment)
        } catch {
            throw CLIFailure.usage("MongoDB settings: \(error)")
        }
        do {
            let database = try await SwitchboardDatabase.connect(configuration: configuration, logger: logger)
            try await database.client.ping()
            return database
        } catch {
            throw CLIFailure.database(configuration.redactedURI, error)
        }
    }

    /// Runs a database query, turning its errors into exit 5.
    func query<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            let uri = (try? MongoConfiguration(environment: environment))?.redactedURI ?? "SWITCHBOARD_MONGO_URI"
            throw CLIFailure.database(uri, error)
        }
    }

    /// Reads `topics` from the beginning up to their high watermarks at the time of the call.
    func readAll(_ topics: [String], reader: KafkaPartitionReader) async throws -> [KafkaRecord] {
        try await broker {
            let ends = try await reader.assign(topics: topics, from: .beginning).filter { $0.value > 0 }
            var remaining = ends
            var records: [KafkaRecord] = []
            var idle = 0
            while !remaining.isEmpty, idle < 20 {
                let batch = try await reader.poll(wait: .milliseconds(250))
                idle = batch.isEmpty ? idle + 1 : 0
                for record in batch {
                    records.append(record)
                    if let end = remaining[record.topicPartition], record.offset + 1 >= end {
                        remaining[record.topicPartition] = nil
                    }
                }
            }
            return records
        }
    }
}

/// Parses `30s`, `10m`, `2h`, `1d` (a bare number is seconds); nil for anything else and for spans outside
/// 0 to ``CLIFailure/longestSeconds`` (NaN, infinity, negative).
func parseDuration(_ text: String) -> TimeInterval? {
    let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    let seconds: TimeInterval?
    if let unit = text.last, let factor = units[unit] {
        seconds = Double(text.dropLast()).map { $0 * factor }
    } else {
        seconds = Double(text)
    }
    guard let seconds, (0...CLIFailure.longestSeconds).contains(seconds) else { return nil }
    return seconds
}
