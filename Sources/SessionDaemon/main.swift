import SwitchboardStages

// The session daemon: see StageDaemons.session.
await DaemonMain.run(name: "session", defaultHTTPPort: 8082) { environment, logger in
    try await StageDaemons.session(environment, logger: logger)
}
