import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import Testing

@Suite("web chat stream caps are settings")
struct WebChatStreamSettingsTests {
    func configuration(_ variables: [String: String]) throws -> ChannelWebhookConfiguration {
        let settings = try SwitchboardSettings(environment: variables, defaultHTTPPort: 8080)
        let environment = DaemonEnvironment(
            name: "channel-webhook", settings: settings, kafka: try KafkaConfiguration(), mongo: MongoConfiguration(),
            tenants: try TenantDirectory(tenants: [TenantConfiguration(id: "acme")]),
            secrets: TenantSecrets(tenantIds: ["acme"], environment: variables),
            tenantsDirectory: URL(fileURLWithPath: "/tmp"), variables: variables)
        return try ChannelWebhookConfiguration(environment: environment)
    }

    @Test func defaultsAndOverrides() throws {
        let defaults = try configuration([:])
        #expect((defaults.streamsPerConversation, defaults.streamsPerTenant, defaults.streams) == (16, 2000, 10_000))
        let set = try configuration([
            "SWITCHBOARD_WEBCHAT_STREAMS_PER_CONVERSATION": "2", "SWITCHBOARD_WEBCHAT_STREAMS_PER_TENANT": "30",
            "SWITCHBOARD_WEBCHAT_STREAMS": "400",
        ])
        #expect((set.streamsPerConversation, set.streamsPerTenant, set.streams) == (2, 30, 400))
        #expect(throws: SettingsError.self) { try configuration(["SWITCHBOARD_WEBCHAT_STREAMS": "0"]) }
        #expect(throws: SettingsError.self) { try configuration(["SWITCHBOARD_WEBCHAT_STREAMS_PER_TENANT": "many"]) }
    }
}
