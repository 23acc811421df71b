import Foundation
public import Logging

/// Installs ``JSONLogHandler`` as the process-wide logging backend. Executables only: a library that bootstraps
/// logging takes that decision away from every program that uses it.
public enum LoggingBootstrap {
    /// The environment variable that sets the minimum level (`trace` … `critical`), default `info`.
    public static let levelVariable = "SWITCHBOARD_LOG_LEVEL"

    /// Bootstraps swift-log with JSON lines on standard output and returns the daemon's root logger.
    ///
    /// Call once, first thing in `main`. Every component receives this logger (or a copy with more metadata),
    /// so every line carries `label` = the daemon name.
    ///
    /// - Parameters:
    ///   - label: The daemon name, for example `message-router`.
    ///   - level: The minimum level; `nil` (the default) reads ``levelVariable``.
    ///   - environment: Where ``levelVariable`` is read from; `nil` (the default) is the process environment.
    /// - Throws: ``ObservabilityConfigurationError`` when ``levelVariable`` is not a level name.
    public static func bootstrap(
        label: String,
        level: Logger.Level? = nil,
        environment: [String: String]? = nil
    ) throws -> Logger {
        let resolvedLevel = try level ?? self.level(environment: environment ?? ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap(
            { label, provider in
                JSONLogHandler(label: label, level: resolvedLevel, metadataProvider: provider)
            },
            metadataProvider: nil
        )
        return Logger(label: label)
    }

    /// The level named by ``levelVariable`` in `environment`, `.info` when unset or empty.
    public static func level(environment: [String: String]) throws -> Logger.Level {
        guard let raw = environment[self.levelVariable]?.trimmingSpaces, !raw.isEmpty else {
            return .info
        }
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            throw ObservabilityConfigurationError(
                variable: self.levelVariable,
                reason: "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return level
    }
}

extension String {
    var trimmingSpaces: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
