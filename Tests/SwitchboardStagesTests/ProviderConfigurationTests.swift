import SwitchboardRuntime
import SwitchboardStages
import Testing

@Suite("provider settings")
struct ProviderConfigurationTests {
    @Test func defaultsAndGivenValues() throws {
        let defaults = ProviderConfiguration()
        try defaults.check()
        #expect(defaults.timeout == .seconds(10))
        #expect(defaults.maxAttempts == 3)
        let given = ProviderConfiguration(variables: [
            "SWITCHBOARD_PROVIDER_TIMEOUT_MS": "2500", "SWITCHBOARD_PROVIDER_MAX_ATTEMPTS": "5",
            "SWITCHBOARD_WHATSAPP_RATE_PER_SECOND": "0.5", "SWITCHBOARD_TELEGRAM_CHAT_RATE_PER_SECOND": "",
        ])
        try given.check()
        #expect(given.timeout == .milliseconds(2500))
        #expect(given.maxAttempts == 5)
    }

    /// A rate of 1e300 used to stop channel-webhook (its burst is a whole number of sends); any value out of
    /// range is refused naming the variable, never echoing the value.
    @Test(arguments: [
        (
            "SWITCHBOARD_PROVIDER_TIMEOUT_MS", "-0",
            "SWITCHBOARD_PROVIDER_TIMEOUT_MS must be a whole number from 1 to 3600000"
        ),
        ("SWITCHBOARD_PROVIDER_RETRY_BASE_MS", "9223372036854775807", "from 1 to 3600000"),
        ("SWITCHBOARD_PROVIDER_MAX_ATTEMPTS", "three", "SWITCHBOARD_PROVIDER_MAX_ATTEMPTS must be a whole number"),
        ("SWITCHBOARD_WHATSAPP_RATE_PER_SECOND", "1e300", "SWITCHBOARD_WHATSAPP_RATE_PER_SECOND must be a number"),
        ("SWITCHBOARD_TELEGRAM_CHAT_RATE_PER_SECOND", "nan", "SWITCHBOARD_TELEGRAM_CHAT_RATE_PER_SECOND must be"),
        ("SWITCHBOARD_TWILIO_RATE_PER_SECOND", "inf", "above 0, at most 1000000"),
        ("SWITCHBOARD_MESSENGER_RATE_PER_SECOND", "-4", "above 0, at most 1000000"),
    ])
    func outOfRangeValuesAreRefusedAndReadAsTheDefault(_ name: String, _ value: String, _ reason: String) {
        let configuration = ProviderConfiguration(variables: [name: value])
        let error = #expect(throws: SettingsError.self) { try configuration.check() }
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "")")
        #expect(error?.reason.contains(value) == false)
        #expect(configuration.timeout == .seconds(10))
        #expect(configuration.retryBaseDelay == .milliseconds(500))
        _ = configuration.rateLimiter("whatsapp", default: 80)
        _ = configuration.rateLimiter("telegram", "CHAT_RATE_PER_SECOND", default: 1)
    }
}
