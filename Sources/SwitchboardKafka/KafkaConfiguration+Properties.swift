extension KafkaConfiguration {
    /// The librdkafka properties shared by every client: the one place configuration becomes key/value pairs.
    var commonProperties: [String: String] {
        var properties = [
            "client.id": clientID,
            "log.queue": "true",
            "socket.keepalive.enable": "true",
        ]
        if !brokers.isEmpty { properties["bootstrap.servers"] = brokers }
        return properties
    }

    var producerProperties: [String: String] {
        var properties = commonProperties
        properties["enable.idempotence"] = "true"
        properties["acks"] = "all"
        properties["message.timeout.ms"] = String(messageTimeout.wholeMilliseconds)
        properties["linger.ms"] = String(linger.wholeMilliseconds)
        return properties.merging(extraProperties) { _, extra in extra }
    }

    func consumerProperties(groupID: String) -> [String: String] {
        var properties = commonProperties
        properties["group.id"] = groupID
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        properties["auto.offset.reset"] = autoOffsetReset.rawValue
        properties["session.timeout.ms"] = String(sessionTimeout.wholeMilliseconds)
        properties["heartbeat.interval.ms"] = String(max(100, sessionTimeout.wholeMilliseconds / 4))
        properties["enable.partition.eof"] = "false"
        // See ``fetchWait``; SWITCHBOARD_KAFKA_PROPERTIES can set another value.
        properties["fetch.wait.max.ms"] = String(fetchWait.wholeMilliseconds)
        return properties.merging(extraProperties) { _, extra in extra }
    }

    var adminProperties: [String: String] {
        commonProperties.merging(extraProperties) { _, extra in extra }
    }
}
