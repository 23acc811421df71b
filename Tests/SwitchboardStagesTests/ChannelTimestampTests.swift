import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

/// Timestamps no channel sends (not a number, negative, past the year 9999) are treated as absent: the
/// message is still accepted and its envelope can be written. A signed WhatsApp webhook with the timestamp
/// "NaN" used to stop channel-webhook when it wrote the envelope.
@Suite("channel timestamps out of range")
struct ChannelTimestampTests {
    @Test func epochSecondsOutsideTheWritableYearsAreNoDate() {
        for seconds in [Double.nan, .infinity, -.infinity, -1, 1e23, 253_402_300_800] {
            #expect(Date(epochSeconds: seconds) == nil, "\(seconds)")
        }
        #expect(Date(epochSeconds: 0) == Date(timeIntervalSince1970: 0))
        #expect(Date(epochSeconds: 1_750_030_073) == Date(timeIntervalSince1970: 1_750_030_073))
        #expect(Date(epochSeconds: 253_402_300_799) != nil)
    }

    @Test func anUnwritableDateIsRefusedByTheEncoderAndShownAsInvalid() throws {
        let far = Date(timeIntervalSince1970: 1e20)
        #expect(SwitchboardJSON.formatDate(far) == "invalid date (1e+20)")
        #expect(SwitchboardJSON.formatDate(Date(timeIntervalSince1970: .nan)).hasPrefix("invalid date"))
        #expect(
            SwitchboardJSON.formatDate(Date(timeIntervalSince1970: 253_402_300_799.999)) == "9999-12-31T23:59:59.999Z")
        #expect(SwitchboardJSON.formatDate(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(SwitchboardJSON.formatDate(Date(timeIntervalSince1970: -1)) == "invalid date (-1.0)")
        var envelope = Envelope(
            id: UUID(), tenantId: "acme", channel: .webchat, direction: .inbound, channelMessageId: "m",
            externalId: "u", content: .text("hi"), receivedAt: Date(), traceId: "t")
        for date in [far, Date(timeIntervalSince1970: .nan), Date(timeIntervalSince1970: -1)] {
            envelope.channelTimestamp = date
            let refusal = #expect(throws: EnvelopeEncodingError.self) { try EnvelopeCodec().encode(envelope) }
            #expect(refusal?.description.contains("a date before 1970 or after 9999") == true)
        }
    }

    @Test(arguments: ["NaN", "inf", "-5", "1e23", "99999999999999999999999"])
    func whatsApp(_ timestamp: String) throws {
        var payload = try ProviderFixtures.json("whatsapp/text.json")
        payload = try Self.setting(payload, ["entry", 0, "changes", 0, "value", "messages", 0, "timestamp"], timestamp)
        let adapter = WhatsAppAdapter(
            secrets: ProviderFixtures.secrets(["WHATSAPP_APP_SECRET": ProviderFixtures.metaAppSecret]),
            configuration: ProviderConfiguration(testing: [:]))
        let envelopes = try adapter.parse(
            body: try Self.bytes(payload), headers: [:], tenantId: "acme", receivedAt: ProviderFixtures.receivedAt,
            ids: UUIDv7Generator())
        try Self.expectAcceptedWithoutTimestamp(envelopes)
    }

    @Test(arguments: [Int64.max, Int64.min, -1])
    func messenger(_ timestamp: Int64) throws {
        var payload = try ProviderFixtures.json("messenger/text_message.json")
        payload = try Self.setting(payload, ["entry", 0, "messaging", 0, "timestamp"], timestamp)
        let adapter = MessengerAdapter(
            secrets: ProviderFixtures.secrets(["MESSENGER_APP_SECRET": ProviderFixtures.metaAppSecret]),
            configuration: ProviderConfiguration(testing: [:]))
        let envelopes = try adapter.parse(
            body: try Self.bytes(payload), headers: [:], tenantId: "acme", receivedAt: ProviderFixtures.receivedAt,
            ids: UUIDv7Generator())
        try Self.expectAcceptedWithoutTimestamp(envelopes)
    }

    @Test(arguments: [Int64.max, 99_999_999_999_999, -5])
    func telegram(_ date: Int64) throws {
        var payload = try ProviderFixtures.json("telegram/message_text.json")
        payload = try Self.setting(payload, ["message", "date"], date)
        let envelopes = try TelegramEnvelopeBuilder().envelopes(
            body: try Self.bytes(payload), tenantId: "acme", traceId: "t", receivedAt: ProviderFixtures.receivedAt)
        try Self.expectAcceptedWithoutTimestamp(envelopes)
    }

    /// Twilio sends 0 to 10; any other count (negative, huge, not a number) makes the message unsupported
    /// with the reason, never a crash (InboundValueCheckTests has the details).
    @Test(arguments: ["-1", "-99999999999999999999", "99999999999999999999", "ten", "9999"])
    func twilioMediaCountsThatAreNoCountAreNoCrash(_ count: String) throws {
        let form = TwilioForm(
            body: Array(
                "MessageSid=MM9&From=%2B1555&Body=hi&NumMedia=\(count)&MediaUrl0=https%3A%2F%2Fa&MediaContentType0=image%2Fpng"
                    .utf8))
        let envelopes = try TwilioEnvelopeBuilder().envelopes(
            form: form, tenantId: "acme", traceId: "t", receivedAt: ProviderFixtures.receivedAt)
        #expect(envelopes.count == 1)
        #expect(envelopes.first?.kind == .unsupported)
        #expect(envelopes.first?.content == nil)
    }

    static func expectAcceptedWithoutTimestamp(_ envelopes: [Envelope]) throws {
        let envelope = try #require(envelopes.first)
        #expect(envelopes.count == 1)
        #expect(envelope.kind == .message)
        #expect(envelope.channelTimestamp == nil)
        #expect(envelope.receivedAt == ProviderFixtures.receivedAt)
        let decoded = try EnvelopeCodec().decode(try EnvelopeCodec().encode(envelope))
        #expect(decoded.content == envelope.content)
    }

    static func bytes(_ payload: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: payload))
    }

    /// `value` at `path` (keys and array indexes) in a copy of `object`.
    static func setting(_ object: Any, _ path: [Any], _ value: Any) throws -> [String: Any] {
        func set(_ node: Any, _ path: ArraySlice<Any>) throws -> Any {
            guard let step = path.first else { return value }
            if let key = step as? String, var dictionary = node as? [String: Any] {
                dictionary[key] = try set(try #require(dictionary[key]), path.dropFirst())
                return dictionary
            }
            let index = try #require(step as? Int)
            var array = try #require(node as? [Any])
            array[index] = try set(array[index], path.dropFirst())
            return array
        }
        return try #require(try set(object, path[...]) as? [String: Any])
    }
}
