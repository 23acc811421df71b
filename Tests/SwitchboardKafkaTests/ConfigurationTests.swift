import Testing

@testable import SwitchboardKafka

@Suite("Kafka configuration and library version")
struct ConfigurationTests {
    @Test func environmentOverridesDefaults() throws {
        let configuration = try KafkaConfiguration(environment: [
            "SWITCHBOARD_KAFKA_BROKERS": "a:1,b:2",
            "SWITCHBOARD_KAFKA_MESSAGE_TIMEOUT_MS": "1500",
            "SWITCHBOARD_KAFKA_AUTO_OFFSET_RESET": "latest",
            "SWITCHBOARD_KAFKA_PROPERTIES": "security.protocol=plaintext, socket.timeout.ms=5000",
        ])
        #expect(configuration.brokers == "a:1,b:2")
        #expect(configuration.messageTimeout == .milliseconds(1500))
        #expect(configuration.autoOffsetReset == .latest)
        let properties = configuration.producerProperties
        #expect(properties["enable.idempotence"] == "true")
        #expect(properties["message.timeout.ms"] == "1500")
        #expect(properties["socket.timeout.ms"] == "5000")
        let consumer = configuration.consumerProperties(groupID: "g")
        #expect(consumer["enable.auto.commit"] == "false")
        #expect(consumer["group.id"] == "g")
        #expect(consumer["fetch.wait.max.ms"] == "20", "a stage does not wait librdkafka's 500 ms per hop")
        let waiting = try KafkaConfiguration(environment: ["SWITCHBOARD_KAFKA_PROPERTIES": "fetch.wait.max.ms=250"])
        #expect(waiting.consumerProperties(groupID: "g")["fetch.wait.max.ms"] == "250")
        var feed = KafkaConfiguration(brokers: "127.0.0.1:9092")
        feed.fetchWait = .milliseconds(400)
        #expect(feed.consumerProperties(groupID: "g")["fetch.wait.max.ms"] == "400")
        feed.fetchWait = .zero
        #expect(throws: KafkaError.self) { try feed.validate() }
    }

    @Test func badValuesAreClearErrors() {
        #expect(throws: KafkaError.self) {
            try KafkaConfiguration(environment: ["SWITCHBOARD_KAFKA_MAX_BATCH": "many"])
        }
        #expect(throws: KafkaError.self) {
            try KafkaConfiguration(environment: ["SWITCHBOARD_KAFKA_AUTO_OFFSET_RESET": "middle"])
        }
        #expect(throws: KafkaError.self) {
            try KafkaConfiguration(environment: ["SWITCHBOARD_KAFKA_PROPERTIES": "novalue"])
        }

    }

    @Test func versionCheckRejectsOlderThan2_2() throws {
        let error = #expect(throws: KafkaError.self) {
            try KafkaLibrary.check(KafkaLibraryVersion(major: 2, minor: 0, patch: 2))
        }
        #expect(error?.code == .unsupportedLibrary)
        #expect(error?.reason.contains("librdkafka 2.0.2 is loaded") == true)
        try KafkaLibrary.check(KafkaLibraryVersion(major: 2, minor: 2, patch: 0))
        try KafkaLibrary.check(KafkaLibraryVersion(major: 2, minor: 16, patch: 1))
        #expect(KafkaLibraryVersion(packed: 0x0200_02ff) == KafkaLibraryVersion(major: 2, minor: 0, patch: 2))
    }
}
