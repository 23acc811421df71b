public import Foundation

/// How the Kafka adapter reaches and uses the broker: one value per component, from the environment.
///
/// Turned into librdkafka's key/value pairs in exactly one place (`KafkaConfiguration+Properties.swift`).
public struct KafkaConfiguration: Sendable {
    /// Where a consumer with no committed offset starts.
    public enum OffsetReset: String, Sendable {
        case earliest
        case latest
    }

    /// Bootstrap brokers, comma-separated `host:port`. `SWITCHBOARD_KAFKA_BROKERS`, default `127.0.0.1:9092`.
    public var brokers: String
    /// The client id brokers see in their logs. `SWITCHBOARD_KAFKA_CLIENT_ID`, default `switchboard`.
    public var clientID: String
    /// How long a produced message may take to be acknowledged before `send` fails with a retriable
    /// `timedOut` error. `SWITCHBOARD_KAFKA_MESSAGE_TIMEOUT_MS`, default 30 000.
    public var messageTimeout: Duration
    /// How long the producer waits to fill a batch. `SWITCHBOARD_KAFKA_LINGER_MS`, default 5.
    public var linger: Duration
    /// Consumer-group session timeout; joins take about half of it. `SWITCHBOARD_KAFKA_SESSION_TIMEOUT_MS`,
    /// default 10 000.
    public var sessionTimeout: Duration
    /// Where a new consumer group starts. `SWITCHBOARD_KAFKA_AUTO_OFFSET_RESET`, default `earliest`.
    public var autoOffsetReset: OffsetReset
    /// The most records a consumer hands out in one batch. `SWITCHBOARD_KAFKA_MAX_BATCH`, default 500.
    public var maxBatchSize: Int
    /// The longest the broker may hold a consumer's fetch when no records are ready (`fetch.wait.max.ms`).
    /// Stages keep the default 20 ms (librdkafka's 500 ms added up to half a second per stage); feeds that
    /// nobody waits on (analytics, the desk's event feed) set more, so their idle polling costs the broker
    /// less. `fetch.wait.max.ms` in ``extraProperties`` overrides it for every consumer.
    public var fetchWait: Duration
    /// Extra librdkafka properties, e.g. security settings. `SWITCHBOARD_KAFKA_PROPERTIES` as
    /// `key=value,key=value`, default none. Values here are never logged.
    public var extraProperties: [String: String]

    /// librdkafka's default `message.max.bytes`, just below the broker's own default (1 048 588).
    public static let defaultRecordLimitBytes = 1_000_000

    /// The largest record the producer sends (key, value and headers): `message.max.bytes` from
    /// `SWITCHBOARD_KAFKA_PROPERTIES`, default ``defaultRecordLimitBytes``. A broker whose
    /// `message.max.bytes` is lower needs the same value here.
    public var recordLimitBytes: Int {
        extraProperties["message.max.bytes"].flatMap { Int($0) } ?? Self.defaultRecordLimitBytes
    }

    /// A configuration with every default, pointing at `brokers`.
    public init(brokers: String = "127.0.0.1:9092", clientID: String = "switchboard") {
        self.brokers = brokers
        self.clientID = clientID
        self.messageTimeout = .seconds(30)
        self.linger = .milliseconds(5)
        self.sessionTimeout = .seconds(10)
        self.autoOffsetReset = .earliest
        self.maxBatchSize = 500
        self.fetchWait = .milliseconds(20)
        self.extraProperties = [:]
    }

    /// Reads the `SWITCHBOARD_KAFKA_*` variables over the defaults and validates the result.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.init(brokers: "127.0.0.1:9092")
        let env = EnvironmentReader(environment)
        brokers = env.string("SWITCHBOARD_KAFKA_BROKERS") ?? brokers
        clientID = env.string("SWITCHBOARD_KAFKA_CLIENT_ID") ?? clientID
        messageTimeout = try env.milliseconds("SWITCHBOARD_KAFKA_MESSAGE_TIMEOUT_MS") ?? messageTimeout
        linger = try env.milliseconds("SWITCHBOARD_KAFKA_LINGER_MS") ?? linger
        sessionTimeout = try env.milliseconds("SWITCHBOARD_KAFKA_SESSION_TIMEOUT_MS") ?? sessionTimeout
        if let reset = env.string("SWITCHBOARD_KAFKA_AUTO_OFFSET_RESET") {
            guard let value = OffsetReset(rawValue: reset) else {
                throw KafkaError.configuration("SWITCHBOARD_KAFKA_AUTO_OFFSET_RESET must be earliest or latest")
            }
            autoOffsetReset = value
        }
        maxBatchSize = try env.integer("SWITCHBOARD_KAFKA_MAX_BATCH") ?? maxBatchSize
        if let list = env.string("SWITCHBOARD_KAFKA_PROPERTIES") {
            for pair in list.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else {
                    throw KafkaError.configuration("SWITCHBOARD_KAFKA_PROPERTIES entries must be key=value")
                }
                extraProperties[String(parts[0]).trimmingCharacters(in: .whitespaces)] =
                    String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
        }
        try validate()
    }

    /// Checks the values once, at start-up.
    public func validate() throws {
        if brokers.isEmpty && extraProperties["test.mock.num.brokers"] == nil {
            throw KafkaError.configuration("no Kafka brokers configured (SWITCHBOARD_KAFKA_BROKERS)")
        }
        guard maxBatchSize > 0 else { throw KafkaError.configuration("SWITCHBOARD_KAFKA_MAX_BATCH must be > 0") }
        guard messageTimeout > .zero, sessionTimeout > .zero, fetchWait > .zero else {
            throw KafkaError.configuration("Kafka timeouts must be positive")
        }
    }
}

extension KafkaError {
    static func configuration(_ reason: String, file: String = #fileID, line: Int = #line) -> KafkaError {
        KafkaError(code: .invalidConfiguration, reason: reason, isRetriable: false, file: file, line: line)
    }
}

extension Duration {
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

/// Reads typed values out of an environment dictionary with errors that name the variable.
struct EnvironmentReader {
    let environment: [String: String]
    init(_ environment: [String: String]) { self.environment = environment }

    func string(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw KafkaError.configuration("\(name) must be a whole number") }
        return value
    }

    func milliseconds(_ name: String) throws -> Duration? {
        try integer(name).map { .milliseconds($0) }
    }
}
