import Foundation
public import Logging
public import ServiceLifecycle

/// Runs a daemon's services in one `ServiceGroup` with a bounded shutdown.
public enum DaemonRunner {
    /// Seconds graceful shutdown may take before the services are cancelled. Default 20, so that with
    /// ``cancellationGrace`` the process exits within Kubernetes' default 30 s termination grace period.
    public static let shutdownTimeoutVariable = "SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS"
    /// The default of ``shutdownTimeoutVariable``.
    public static let defaultShutdownTimeout = Duration.seconds(20)
    /// How long cancelled services may take to return before the process is stopped with a fatal error.
    public static let cancellationGrace = Duration.seconds(5)

    /// The group configuration ``runDaemon(name:services:logger:environment:)`` uses: graceful shutdown on
    /// SIGTERM and SIGINT, no cancellation signals, escalation to cancellation after the shutdown timeout.
    public static func configuration(
        services: [any Service],
        logger: Logger,
        environment: [String: String]
    ) throws -> ServiceGroupConfiguration {
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = try self.shutdownTimeout(environment: environment)
        configuration.maximumCancellationDuration = self.cancellationGrace
        return configuration
    }

    /// The graceful-shutdown bound from ``shutdownTimeoutVariable``: a positive number of seconds (fractions
    /// allowed), ``defaultShutdownTimeout`` when unset or empty.
    public static func shutdownTimeout(environment: [String: String]) throws -> Duration {
        guard let raw = environment[self.shutdownTimeoutVariable]?.trimmingSpaces, !raw.isEmpty else {
            return self.defaultShutdownTimeout
        }
        guard let seconds = Double(raw), seconds.isFinite, seconds > 0, seconds <= 3600 else {
            throw ObservabilityConfigurationError(
                variable: self.shutdownTimeoutVariable, reason: "must be a number of seconds between 0 and 3600")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

/// Runs `services` until they all finish or the process receives SIGTERM or SIGINT, then shuts them down
/// gracefully; services still running after the shutdown timeout (``DaemonRunner/shutdownTimeoutVariable``,
/// default 20 s) are cancelled.
///
/// - Parameters:
///   - name: The daemon name, logged at start and stop.
///   - services: The daemon's long-lived services (consumers, producers, ``OpsServer``), started together.
///   - logger: The daemon's root logger.
///   - environment: Where the shutdown timeout is read from; `nil` (the default) is the process environment.
/// - Throws: ``ObservabilityConfigurationError`` for a bad shutdown timeout, or the first error a service throws.
public func runDaemon(
    name: String,
    services: [any Service],
    logger: Logger,
    environment: [String: String]? = nil
) async throws {
    let configuration = try DaemonRunner.configuration(
        services: services, logger: logger, environment: environment ?? ProcessInfo.processInfo.environment)
    logger.info(
        "daemon starting",
        metadata: [LogKeys.stage: "\(name)", "services": "\(services.count)"]
    )
    do {
        try await ServiceGroup(configuration: configuration).run()
    } catch {
        logger.error("daemon stopped with an error", metadata: [LogKeys.stage: "\(name)", LogKeys.error: "\(error)"])
        throw error
    }
    logger.info("daemon stopped", metadata: [LogKeys.stage: "\(name)"])
}
