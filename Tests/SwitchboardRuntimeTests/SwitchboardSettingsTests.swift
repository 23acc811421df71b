import SwitchboardRuntime
import Testing

@Suite("daemon settings from the environment")
struct SwitchboardSettingsTests {
    @Test func defaultsAndGivenValues() throws {
        let defaults = try SwitchboardSettings(environment: [:], defaultHTTPPort: 8082)
        #expect(defaults.httpPort == 8082)
        #expect(defaults.topicPartitions == 6)
        #expect(defaults.topicPrefix == "switchboard.")
        let given = try SwitchboardSettings(
            environment: ["SWITCHBOARD_HTTP_PORT": " 65535 ", "SWITCHBOARD_TOPIC_PARTITIONS": "12"],
            defaultHTTPPort: 8082)
        #expect(given.httpPort == 65_535)
        #expect(given.topicPartitions == 12)
    }

    /// A port past 65535 used to be taken and wrap around (99999 listened on 34463).
    @Test(arguments: [
        ("SWITCHBOARD_HTTP_PORT", "99999", "SWITCHBOARD_HTTP_PORT must be a whole number from 1 to 65535"),
        ("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_HTTP_PORT must be a whole number from 1 to 65535"),
        ("SWITCHBOARD_HTTP_PORT", "80a", "SWITCHBOARD_HTTP_PORT must be a whole number from 1 to 65535"),
        (
            "SWITCHBOARD_TOPIC_PARTITIONS", "-3",
            "SWITCHBOARD_TOPIC_PARTITIONS must be a whole number from 1 to 2147483647"
        ),
        (
            "SWITCHBOARD_TOPIC_PARTITIONS", "4294967296",
            "SWITCHBOARD_TOPIC_PARTITIONS must be a whole number from 1 to 2147483647"
        ),
    ])
    func outOfRangeNumbersAreRefusedNamingTheVariable(_ name: String, _ value: String, _ reason: String) {
        let error = #expect(throws: SettingsError.self) {
            try SwitchboardSettings(environment: [name: value], defaultHTTPPort: 8082)
        }
        #expect(error?.reason == reason)
    }
}
