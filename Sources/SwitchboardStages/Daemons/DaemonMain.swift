import Foundation
public import Logging
public import ServiceLifecycle
import SwitchboardCore
import SwitchboardKafka
import SwitchboardObservability
import SwitchboardRuntime

/// What every daemon's `main` does: JSON logs, Prometheus metrics, configuration from the environment,
/// the librdkafka check, then its services until SIGTERM. A configuration error is one clear line and
/// exit status 2; a librdkafka that is too old, status 3.
public enum DaemonMain {
    public static func run(
        name: String,
        defaultHTTPPort: Int,
        build: @escaping @Sendable (DaemonEnvironment, Logger) async throws -> [any Service]
    ) async -> Never {
        let logger: Logger
        do {
            logger = try LoggingBootstrap.bootstrap(label: name)
        } catch {
            fail(name, "configuration error: \(error)", status: 2)
        }
        let registry = MetricsBootstrap.bootstrap()
        do {
            try KafkaLibrary.requireSupportedVersion()
        } catch let error as KafkaError {
            fail(name, error.reason, status: 3)
        } catch {
            fail(name, "\(error)", status: 3)
        }
        var environment: DaemonEnvironment
        do {
            environment = try DaemonEnvironment.fromProcess(name: name, defaultHTTPPort: defaultHTTPPort)
            environment.metrics = registry
        } catch {
            fail(name, "configuration error: \(error)", status: 2)
        }
        do {
            let services = try await build(environment, logger)
            try await runDaemon(name: name, services: services, logger: logger)
            exit(0)
        } catch
            where error is SettingsError || error is ObservabilityConfigurationError
            || error is TenantConfigurationError
        {
            // A setting read while building (channel-webhook's web chat and provider ones, nlp-plugin's model
            // files) or running (the shutdown timeout).
            fail(name, "configuration error: \(error)", status: 2)
        } catch {
            fail(name, "stopped: \(error)", status: 1)
        }
    }

    private static func fail(_ name: String, _ line: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("\(name): \(line)\n".utf8))
        exit(status)
    }
}
