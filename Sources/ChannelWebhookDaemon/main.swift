import SwitchboardStages

// channel-webhook: the web chat API and channel webhooks in, replies out (see ChannelWebhookDaemon).
await DaemonMain.run(name: "channel-webhook", defaultHTTPPort: 8080) { environment, logger in
    try await ChannelWebhookDaemon.build(
        environment: environment, logger: logger, metricsRegistry: environment.metrics)
}
