import SwitchboardStages

// The human-handover daemon: see HumanHandoverDaemon.build. DaemonMain bootstraps JSON logs and Prometheus
// metrics, reads the configuration (one clear line and a non-zero exit when it is bad, or when the loaded
// librdkafka is too old) and runs the services until SIGTERM.
await DaemonMain.run(name: HumanHandoverDaemon.name, defaultHTTPPort: HumanHandoverDaemon.defaultHTTPPort) {
    environment, logger in
    try await HumanHandoverDaemon.build(environment: environment, logger: logger)
}
