import Foundation
import HTTPTypes
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// A webhook the provider delivers again is followed under the same trace id as the first delivery.
@Suite("trace ids of redelivered webhooks")
struct ProviderTraceIdTests {
    let secrets = TenantSecrets(tenantIds: ["acme"], environment: [:])

    func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: TestStack.channelFixtures.appendingPathComponent(path)))
    }

    @Test func twilioAndTelegramDeliveriesOfOneMessageShareATraceId() throws {
        let twilio = TwilioAdapter(secrets: secrets)
        let telegram = TelegramAdapter(secrets: secrets)
        let cases: [(String, (UUIDv7Generator) throws -> [Envelope])] = [
            (
                "twilio/inbound_sms.form",
                { ids in
                    try twilio.parse(
                        body: try fixture("twilio/inbound_sms.form"), headers: [:], tenantId: "acme",
                        receivedAt: Date(), ids: ids)
                }
            ),
            (
                "telegram/message_text.json",
                { ids in
                    try telegram.parse(
                        body: try fixture("telegram/message_text.json"), headers: [:], tenantId: "acme",
                        receivedAt: Date(), ids: ids)
                }
            ),
        ]
        for (name, parse) in cases {
            let first = try parse(UUIDv7Generator())
            let again = try parse(UUIDv7Generator())
            let envelope = try #require(first.first, "\(name)")
            #expect(first.map(\.traceId) == again.map(\.traceId), "\(name)")
            #expect(envelope.traceId == ProviderEnvelopeID.traceId(for: envelope.id), "\(name)")
        }
    }

    @Test func everyEnvelopeOfOneWebhookCarriesTheSameTraceId() throws {
        let form = Array(
            "MessageSid=MM1&From=whatsapp%3A%2B15550001&To=whatsapp%3A%2B15550002&Body=two&NumMedia=2&MediaUrl0=https%3A%2F%2Fa&MediaContentType0=image%2Fjpeg&MediaUrl1=https%3A%2F%2Fb&MediaContentType1=image%2Fpng"
                .utf8)
        let envelopes = try TwilioAdapter(secrets: secrets).parse(
            body: form, headers: [:], tenantId: "acme", receivedAt: Date(), ids: UUIDv7Generator())
        #expect(envelopes.count == 2)
        #expect(Set(envelopes.map(\.traceId)).count == 1)
        #expect(envelopes.first?.traceId == envelopes.first.map { ProviderEnvelopeID.traceId(for: $0.id) })
    }
}
