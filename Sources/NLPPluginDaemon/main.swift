import SwitchboardStages

// The nlp-plugin daemon: see StageDaemons.nlpPlugin.
await DaemonMain.run(name: "nlp-plugin", defaultHTTPPort: 8084) { environment, logger in
    try await StageDaemons.nlpPlugin(environment, logger: logger)
}
