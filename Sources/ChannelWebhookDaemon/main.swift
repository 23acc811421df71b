import Foundation
import Logging
import SwitchboardObservability
import SwitchboardStages

// channel-webhook: the web chat API and channel webhooks in, replies out.
// A configuration or start-up error (including a librdkafka older than 2.2) is one line on stderr and exit 1.

func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("channel-webhook: cannot start: \(error)\n".utf8))
    exit(1)
}

let logger: Logger
do {
    logger = try LoggingBootstrap.bootstrap(label: "channel-webhook")
} catch {
    fail(error)
}
let registry = MetricsBootstrap.bootstrap()
do {
    let environment = try DaemonEnvironment.fromProcess(name: "channel-webhook", defaultHTTPPort: 8080)
    // Connecting checks the loaded librdkafka first (KafkaLibrary.requireSupportedVersion).
    let services = try await SwitchboardStages.ChannelWebhookDaemon.build(
        environment: environment, logger: logger, metricsRegistry: registry)
    do {
        try await runDaemon(name: "channel-webhook", services: services, logger: logger)
    } catch {
        exit(1)  // runDaemon logged it
    }
} catch {
    fail(error)
}
