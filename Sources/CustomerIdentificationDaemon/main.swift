import SwitchboardStages

// The customer-identification daemon: see StageDaemons.customerIdentification.
await DaemonMain.run(name: "customer-identification", defaultHTTPPort: 8081) { environment, logger in
    try await StageDaemons.customerIdentification(environment, logger: logger)
}
