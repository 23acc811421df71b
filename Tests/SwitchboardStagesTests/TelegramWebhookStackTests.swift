import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Telegram webhooks through the channel-webhook application, against the real local broker and database.
@Suite("Telegram webhook against the local stack")
struct TelegramWebhookStackTests {
    @Test func redeliveredUpdateLandsOnInboundWithTheSameEnvelopeId() async throws {
        let check = try TelegramFixture.json("secret_token_check.json")
        let token = try #require(check["configured_secret_token"] as? String)
        var environment = try ChannelWebhookTestEnvironment.make()
        environment.secrets = TenantSecrets(
            tenantIds: ["acme"], environment: ["SWITCHBOARD_TENANT_ACME_TELEGRAM_SECRET_TOKEN": token])
        let adapter = TelegramAdapter(secrets: environment.secrets)
        let body = ByteBuffer(bytes: try TelegramFixture.bytes("message_text.json"))
        let header = try #require(HTTPField.Name("X-Telegram-Bot-Api-Secret-Token"))
        try await ChannelWebhookTestEnvironment.withDaemon(environment, adapters: [adapter]) { daemon in
            try await daemon.makeApplication(runningServices: false).test(.router) { client in
                for headers: HTTPFields in [[:], [header: "NotTheSecretToken"]] {
                    try await client.execute(
                        uri: "/webhooks/telegram/acme", method: .post, headers: headers, body: body
                    ) { response in
                        #expect(response.status == .forbidden)
                    }
                }
                for _ in 0..<3 {
                    try await client.execute(
                        uri: "/webhooks/telegram/acme", method: .post, headers: [header: token], body: body
                    ) { response in
                        #expect(response.status == .ok)
                        #expect(String(decoding: response.body.readableBytesView, as: UTF8.self) == #"{"received":1}"#)
                    }
                }
            }
            let consumer = try KafkaConsumer(
                configuration: environment.kafka, groupID: TestStack.uniqueName("telegram-reader"),
                topics: [environment.settings.topics.inbound], logger: TestStack.logger("reader"))
            let records = try await consumer.collect(3)
            await consumer.close()
            #expect(records.count == 3)
            let envelopes = try records.map { try EnvelopeCodec().decode($0.value) }
            let expectedId = TelegramEnvelopeBuilder.envelopeId(tenantId: "acme", name: "message|1111111:1365")
            #expect(envelopes.map(\.id) == [expectedId, expectedId, expectedId])
            #expect(
                records.allSatisfy { $0.key.map { String(decoding: $0, as: UTF8.self) } == "acme|telegram|1111111" })
            #expect(envelopes.allSatisfy { $0.channel == .telegram && $0.content == .text("/start") })
        }
    }
}
