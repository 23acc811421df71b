import SwitchboardStages

// The message-router daemon: see StageDaemons.messageRouter.
await DaemonMain.run(name: "message-router", defaultHTTPPort: 8083) { environment, logger in
    try await StageDaemons.messageRouter(environment, logger: logger)
}
