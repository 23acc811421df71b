public import Foundation
public import SwitchboardCore

/// Settings every daemon shares, from the environment.
public struct SwitchboardSettings: Sendable {
    /// Prefix of every topic name. `SWITCHBOARD_TOPIC_PREFIX`, default `switchboard.`.
    public var topicPrefix: String
    /// Partitions of topics created at start-up. `SWITCHBOARD_TOPIC_PARTITIONS`, default 6.
    public var topicPartitions: Int
    /// Address the daemon's HTTP server binds. `SWITCHBOARD_HTTP_HOST`, default `127.0.0.1`.
    public var httpHost: String
    /// Port of the daemon's HTTP server (API, health, metrics). `SWITCHBOARD_HTTP_PORT`, default per daemon.
    public var httpPort: Int
    /// The tenants file (YAML). `SWITCHBOARD_TENANTS_FILE`, default `deploy/tenants.yaml`.
    public var tenantsFile: String

    public var topics: TopicNames { TopicNames(prefix: topicPrefix) }

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        defaultHTTPPort: Int
    ) throws {
        func value(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        func integer(_ name: String, _ fallback: Int, atMost maximum: Int) throws -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), (1...maximum).contains(number) else {
                throw SettingsError(reason: "\(name) must be a whole number from 1 to \(maximum)")
            }
            return number
        }
        topicPrefix = value("SWITCHBOARD_TOPIC_PREFIX") ?? "switchboard."
        topicPartitions = try integer("SWITCHBOARD_TOPIC_PARTITIONS", 6, atMost: Int(Int32.max))
        httpHost = value("SWITCHBOARD_HTTP_HOST") ?? "127.0.0.1"
        httpPort = try integer("SWITCHBOARD_HTTP_PORT", defaultHTTPPort, atMost: 65_535)
        tenantsFile = value("SWITCHBOARD_TENANTS_FILE") ?? "deploy/tenants.yaml"
    }
}

/// A configuration value that cannot be used; says which and why, never the value itself.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }

    /// The text of the configuration file at `path`, or an error naming it (`what`, e.g. "tenants file") and
    /// the `variable` that names it.
    public static func readFile(_ path: String, what: String, variable: String) throws(SettingsError) -> String {
        do {
            return try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        } catch {
            throw SettingsError(reason: "cannot read the \(what) \(path) (\(variable))")
        }
    }
}
