import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// WhatsApp webhooks through the channel-webhook application, published to the real local broker.
@Suite("WhatsApp webhooks through channel-webhook", .serialized)
struct WhatsAppWebhookStackTests {
    static func environment() throws -> DaemonEnvironment {
        try ChannelWebhookTestEnvironment.make(extra: [
            "SWITCHBOARD_TENANT_ACME_WHATSAPP_APP_SECRET": ProviderFixtures.metaAppSecret,
            "SWITCHBOARD_TENANT_ACME_WHATSAPP_VERIFY_TOKEN": "vibecoding",
        ])
    }

    static func adapter(_ environment: DaemonEnvironment) -> WhatsAppAdapter {
        WhatsAppAdapter(
            secrets: environment.secrets, configuration: ProviderConfiguration(testing: environment.variables))
    }

    @Test func signedFixtureLandsOnInboundWithTheSameIdOnEveryRedelivery() async throws {
        let environment = try Self.environment()
        try await ChannelWebhookTestEnvironment.withDaemon(environment, adapters: [Self.adapter(environment)]) {
            daemon in
            let body = try ProviderFixtures.bytes("whatsapp/signed_text.body.json")
            let signature = try #require(
                try ProviderFixtures.json("whatsapp/signed_text.signature.json")["expected_header_value"] as? String)
            try await daemon.makeApplication(runningServices: false).test(.router) { client in
                for _ in 0..<3 {
                    try await client.execute(
                        uri: "/webhooks/whatsapp/acme", method: .post,
                        headers: [HTTPField.Name("X-Hub-Signature-256")!: signature, .contentType: "application/json"],
                        body: ByteBuffer(bytes: body)
                    ) { response in
                        #expect(response.status == .ok)
                        #expect(String(buffer: response.body) == #"{"received":1}"#)
                    }
                }
                var tampered = body
                tampered[10] ^= 0x01
                try await client.execute(
                    uri: "/webhooks/whatsapp/acme", method: .post,
                    headers: [HTTPField.Name("X-Hub-Signature-256")!: signature], body: ByteBuffer(bytes: tampered)
                ) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            let consumer = try KafkaConsumer(
                configuration: environment.kafka, groupID: TestStack.uniqueName("reader"),
                topics: [environment.settings.topics.inbound], logger: TestStack.logger("reader"))
            let records = try await consumer.collect(3)
            await consumer.close()
            #expect(records.count == 3)
            let envelopes = try records.map { try EnvelopeCodec().decode($0.value) }
            let wamid = "wamid.HBgMOTcyNTQ0NDAxMjQzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA"
            let expected = DerivedID.make(from: ProviderEnvelopeID.namespace, parts: ["whatsapp", "acme", wamid])
            #expect(Set(envelopes.map(\.id)) == [expected])
            let envelope = try #require(envelopes.first)
            #expect(envelope.channel == .whatsapp)
            #expect(envelope.externalId == "+972544401243")
            #expect(envelope.channelMessageId == wamid)
            #expect(envelope.content == .text("Hey there! I am using PyWa."))
            #expect(records.first?.key.map { String(decoding: $0, as: UTF8.self) } == "acme|whatsapp|+972544401243")
        }
    }

    @Test func verificationHandshakeThroughTheApplication() async throws {
        let environment = try Self.environment()
        try await ChannelWebhookTestEnvironment.withDaemon(environment, adapters: [Self.adapter(environment)]) {
            daemon in
            try await daemon.makeApplication(runningServices: false).test(.router) { client in
                try await client.execute(
                    uri:
                        "/webhooks/whatsapp/acme?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=vibecoding",
                    method: .get
                ) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "1158201444")
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                }
                try await client.execute(
                    uri: "/webhooks/whatsapp/acme?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong",
                    method: .get
                ) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(
                    uri: "/webhooks/whatsapp/nobody?hub.mode=subscribe&hub.challenge=1&hub.verify_token=vibecoding",
                    method: .get
                ) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }
}
