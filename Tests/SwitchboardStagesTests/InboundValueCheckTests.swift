import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Every channel's values go through one check before they are published: out of range becomes
/// `unsupported` with the reason (never accepted to be dead-lettered by the next stage).
@Suite("Inbound value checks, the same on every channel")
struct InboundValueCheckTests {
    let tenant = ProviderFixtures.tenant
    let receivedAt = ProviderFixtures.receivedAt

    func inbound(_ content: Content?, externalId: String = "+15550001") -> Envelope {
        Envelope(
            id: UUID(), tenantId: tenant, channel: .sms, direction: .inbound, channelMessageId: "SM1",
            externalId: externalId, content: content, receivedAt: receivedAt, traceId: "t")
    }

    /// The reason an envelope was made unsupported, after checking that the next stage can read it.
    func unsupportedReason(_ envelope: Envelope) throws -> String? {
        guard case .unsupported(let checked, let reason) = InboundValueCheck.check(envelope) else { return nil }
        #expect(checked.kind == .unsupported)
        #expect(checked.content == nil)
        let decoded = try EnvelopeCodec().decode(try EnvelopeCodec().encode(checked))
        #expect(decoded.kind == .unsupported)
        guard case .object(let details)? = decoded.unknownFields["unsupported"] else {
            Issue.record("no unsupported details")
            return nil
        }
        #expect(details["reason"] == .string(reason))
        return reason
    }

    @Test(
        arguments: [
            (90.0, 180.0, nil), (-90.0, -180.0, nil), (0.0, 0.0, nil),
            (90.000001, 0.0, "latitude is out of range"), (-91.0, 0.0, "latitude is out of range"),
            (0.0, 180.5, "longitude is out of range"), (0.0, -1e300, "longitude is out of range"),
            (Double.nan, 0.0, "latitude is out of range"), (0.0, Double.infinity, "longitude is out of range"),
        ] as [(Double, Double, String?)])
    func coordinates(_ latitude: Double, _ longitude: Double, _ reason: String?) throws {
        #expect(InboundValueCheck.coordinatesProblem(latitude: latitude, longitude: longitude) == reason)
        let envelope = inbound(.location(.init(latitude: latitude, longitude: longitude)))
        #expect(try unsupportedReason(envelope) == reason)
    }

    @Test func lengthsAndCounts() throws {
        let long = String(repeating: "a", count: InboundValueCheck.maxTextBytes + 1)
        #expect(try unsupportedReason(inbound(.text(long))) == "text is longer than 65536 bytes")
        #expect(try unsupportedReason(inbound(.text(String(long.dropFirst())))) == nil)
        // Bytes, not characters: 16 385 four-byte emoji are over 64 KiB.
        #expect(try unsupportedReason(inbound(.text(String(repeating: "😮", count: 16_385)))) != nil)
        #expect(try unsupportedReason(inbound(.media(.init(reference: "", mimeType: "image/png")))) != nil)
        #expect(
            try unsupportedReason(inbound(.interactive(.init(payload: String(repeating: "p", count: 4097)))))
                == "interactive payload is longer than 4096 bytes")
        let phones = (0...InboundValueCheck.maxListCount).map { "+1555000\($0)" }
        #expect(try unsupportedReason(inbound(.contact(.init(name: "A", phones: phones)))) != nil)
        #expect(try unsupportedReason(inbound(.contact(.init(name: "A", phones: Array(phones.dropLast()))))) == nil)
        #expect(InboundValueCheck.countProblem(11, "NumMedia", maximum: 10) == "NumMedia is out of range (0 to 10)")
        #expect(InboundValueCheck.countProblem(-1, "NumMedia", maximum: 10) != nil)
        #expect(InboundValueCheck.countProblem(10, "NumMedia", maximum: 10) == nil)
    }

    @Test func ids() throws {
        let longId = String(repeating: "i", count: InboundValueCheck.maxIdBytes + 1)
        #expect(
            InboundValueCheck.check(inbound(.text("hi"), externalId: longId))
                == .dropped(reason: "external id is longer than 256 bytes"))
        #expect(
            InboundValueCheck.check(inbound(.text("hi"), externalId: "a\u{0}b"))
                == .dropped(reason: "external id holds control characters"))
        var envelope = inbound(.text("hi"))
        envelope.channelMessageId = longId
        envelope.conversationId = longId
        guard case .unsupported(let checked, let reason) = InboundValueCheck.check(envelope) else {
            Issue.record("a long message id is not unsupported")
            return
        }
        #expect(reason == "message id is longer than 256 bytes")
        #expect(checked.channelMessageId == nil)
        #expect(checked.conversationId == envelope.externalId)
        let fine = inbound(.text("hi"))
        #expect(InboundValueCheck.check(fine) == .accepted(fine))
    }

    /// One payload per channel with a coordinate out of range: each becomes unsupported with the same reason.
    @Test func locationOutOfRangeOnEveryChannel() throws {
        let secrets = ProviderFixtures.secrets([:])
        let providers = ProviderConfiguration()
        let ids = UUIDv7Generator()
        var parsed: [Channel: [Envelope]] = [:]

        let whatsapp = try ChannelTimestampTests.setting(
            try ProviderFixtures.json("whatsapp/location.json"),
            ["entry", 0, "changes", 0, "value", "messages", 0, "location", "latitude"], 123.5)
        parsed[.whatsapp] = try WhatsAppAdapter(secrets: secrets, configuration: providers).parse(
            body: try ChannelTimestampTests.bytes(whatsapp), headers: [:], tenantId: tenant, receivedAt: receivedAt,
            ids: ids)

        let telegram = try ChannelTimestampTests.setting(
            try ProviderFixtures.json("telegram/message_location.json"), ["message", "location", "latitude"], 123.5)
        parsed[.telegram] = try TelegramAdapter(secrets: secrets, providers: providers).parse(
            body: try ChannelTimestampTests.bytes(telegram), headers: [:], tenantId: tenant, receivedAt: receivedAt,
            ids: ids)

        let messenger = try ChannelTimestampTests.setting(
            try ProviderFixtures.json("messenger/image_attachment.json"),
            ["entry", 0, "messaging", 0, "message", "attachments", 0],
            ["type": "location", "payload": ["coordinates": ["lat": 123.5, "long": 2.0]]])
        parsed[.messenger] = try MessengerAdapter(secrets: secrets, configuration: providers).parse(
            body: try ChannelTimestampTests.bytes(messenger), headers: [:], tenantId: tenant, receivedAt: receivedAt,
            ids: ids)

        parsed[.sms] = try TwilioAdapter(secrets: secrets, providers: providers).parse(
            body: Array("MessageSid=SM1&From=%2B1555&Body=&Latitude=123.5&Longitude=2".utf8), headers: [:],
            tenantId: tenant, receivedAt: receivedAt, ids: ids)

        for channel in [Channel.whatsapp, .telegram, .messenger, .sms] {
            let envelope = try #require(parsed[channel]?.first, "\(channel)")
            #expect(try unsupportedReason(envelope) == "latitude is out of range", "\(channel)")
        }
    }

    @Test(arguments: ["-1", "11", "9999", "ten", "99999999999999999999"])
    func twilioMediaCountOutOfRange(_ count: String) throws {
        let envelopes = try TwilioEnvelopeBuilder().envelopes(
            form: TwilioForm(body: Array("MessageSid=MM9&From=%2B1555&Body=hi&NumMedia=\(count)".utf8)),
            tenantId: tenant, traceId: "t", receivedAt: receivedAt)
        let envelope = try #require(envelopes.first)
        #expect(envelopes.count == 1)
        #expect(envelope.kind == .unsupported)
        #expect(
            envelope.unknownFields["unsupported"]
                == .object(["type": .string("media"), "reason": .string("NumMedia is out of range (0 to 10)")]))
    }

    @Test func twilioCoordinatesThatAreNoNumbers() throws {
        let envelopes = try TwilioEnvelopeBuilder().envelopes(
            form: TwilioForm(body: Array("MessageSid=SM1&From=%2B1555&Body=here&Latitude=north&Longitude=2".utf8)),
            tenantId: tenant, traceId: "t", receivedAt: receivedAt)
        #expect(envelopes.first?.kind == .unsupported)
        #expect(
            envelopes.first?.unknownFields["unsupported"]
                == .object([
                    "type": .string("location"), "reason": .string("latitude or longitude is not a number"),
                ]))
    }

    @Test func messengerTooManyAttachments() throws {
        let attachment: [String: Any] = ["type": "image", "payload": ["url": "https://image-url/foo.png"]]
        let payload = try ChannelTimestampTests.setting(
            try ProviderFixtures.json("messenger/image_attachment.json"),
            ["entry", 0, "messaging", 0, "message", "attachments"], Array(repeating: attachment, count: 11))
        let envelopes = try MessengerAdapter(
            secrets: ProviderFixtures.secrets([:]), configuration: ProviderConfiguration()
        )
        .parse(
            body: try ChannelTimestampTests.bytes(payload), headers: [:], tenantId: tenant, receivedAt: receivedAt,
            ids: UUIDv7Generator())
        #expect(envelopes.count == 1)
        #expect(envelopes.first?.kind == .unsupported)
        #expect(
            envelopes.first?.unknownFields["unsupported"]
                == .object(["type": .string("attachments"), "reason": .string("more than 10 attachments")]))
    }
}

/// The body limit against the broker's record limit, and the publisher's own size check.
@Suite("Webhook size limits")
struct WebhookSizeLimitTests {
    @Test func defaultBodyLimitIsBelowTheRecordLimit() throws {
        let configuration = ChannelWebhookConfiguration()
        #expect(configuration.webhookMaxBodyBytes < KafkaConfiguration.defaultRecordLimitBytes)
        #expect(configuration.maxBodyBytes < KafkaConfiguration.defaultRecordLimitBytes)
        #expect(try KafkaConfiguration(environment: [:]).recordLimitBytes == 1_000_000)
        #expect(
            try KafkaConfiguration(environment: ["SWITCHBOARD_KAFKA_PROPERTIES": "message.max.bytes=200000"])
                .recordLimitBytes == 200_000)
    }

    @Test func aBodyLimitAtOrAboveTheRecordLimitIsRefusedAtStart() throws {
        let tooLarge = try ChannelWebhookTestEnvironment.make(extra: ["SWITCHBOARD_WEBHOOK_MAX_BODY_BYTES": "1000000"])
        #expect(throws: SettingsError.self) { try ChannelWebhookConfiguration(environment: tooLarge) }

        var lowBroker = try ChannelWebhookTestEnvironment.make()
        lowBroker.kafka.extraProperties["message.max.bytes"] = "100000"
        #expect(throws: SettingsError.self) { try ChannelWebhookConfiguration(environment: lowBroker) }
        lowBroker.variables["SWITCHBOARD_WEBHOOK_MAX_BODY_BYTES"] = "50000"
        let fits = try ChannelWebhookConfiguration(environment: lowBroker)
        #expect(fits.webhookMaxBodyBytes == 50_000)
        #expect(fits.recordLimitBytes == 100_000)
    }

    /// An envelope too large for one record is refused with 413 before anything reaches the producer.
    @Test func theRecordSizeCheckRefusesBeforeProducing() async throws {
        var deadKafka = KafkaConfiguration(brokers: "127.0.0.1:1", clientID: "size-tests")
        deadKafka.messageTimeout = .milliseconds(500)
        var quiet = TestStack.logger("size-tests")
        quiet.logLevel = .critical
        let producer = try KafkaProducer(configuration: deadKafka, logger: quiet)
        let publisher = InboundPublisher(producer: producer, topics: TopicNames(prefix: "size."), recordLimit: 3000)
        func envelope(_ text: String) -> Envelope {
            Envelope(
                id: UUID(), tenantId: "acme", channel: .sms, direction: .inbound, externalId: "+1555",
                content: .text(text), receivedAt: Date(timeIntervalSince1970: 1_750_000_000), traceId: "t")
        }
        // 600 control characters: 600 bytes in the text, 3 600 in the record ("\u0001" each).
        let refusal = await #expect(throws: ChannelHTTPError.self) {
            try await publisher.publish([envelope("small"), envelope(String(repeating: "\u{1}", count: 600))])
        }
        #expect(refusal?.status == .contentTooLarge)
        #expect(refusal?.reason == "message is larger than one broker record (3000 bytes)")
        // A small one goes to the producer (and, with no broker, fails there with 503).
        let unavailable = await #expect(throws: ChannelHTTPError.self) {
            try await publisher.publish([envelope("small")])
        }
        #expect(unavailable?.status == .serviceUnavailable)
        await producer.shutdown(timeout: .milliseconds(100))
    }
}

/// The vendor fields kept verbatim (`channel_extensions`) and the new typed fields go through the same check.
@Suite("Inbound value checks: channel extensions and typed reply fields")
struct InboundExtensionCheckTests {
    func envelope(_ extensions: [String: JSONValue], content: Content = .text("hi")) -> Envelope {
        var envelope = Envelope(
            id: UUID(), tenantId: "acme", channel: .telegram, direction: .inbound, channelMessageId: "1:2",
            externalId: "1", content: content, receivedAt: ProviderFixtures.receivedAt, traceId: "t")
        envelope.channelExtensions = extensions
        return envelope
    }

    @Test func boundsOfTheVerbatimFields() throws {
        #expect(InboundValueCheck.extensionsProblem([:]) == nil)
        #expect(InboundValueCheck.extensionsProblem(["entities": .array([.object(["offset": .number(0)])])]) == nil)
        let long = JSONValue.string(String(repeating: "x", count: InboundValueCheck.maxTextBytes + 1))
        #expect(
            InboundValueCheck.extensionsProblem(["quote": .object(["text": long])])
                == "channel field 'quote': a string is longer than 65536 bytes")
        var deep = JSONValue.null
        for _ in 0..<InboundValueCheck.maxExtensionDepth { deep = .array([deep]) }
        #expect(InboundValueCheck.extensionsProblem(["x": deep]) == "channel field 'x': nested deeper than 16 levels")
        #expect(InboundValueCheck.extensionsProblem(["x": deep[index: 0] ?? .null]) == nil)
        let many = JSONValue.array(Array(repeating: .bool(true), count: InboundValueCheck.maxExtensionValues))
        #expect(InboundValueCheck.extensionsProblem(["many": many]) == "channel field 'many': more than 10000 values")
        // A field name that is no plain identifier is not written into the (logged) reason.
        #expect(
            InboundValueCheck.extensionsProblem(["BODY MARKER": long])
                == "a channel field: a string is longer than 65536 bytes")
        #expect(
            InboundValueCheck.extensionsProblem(["k": .object([String(repeating: "k", count: 4097): .null])])
                == "channel field 'k': a key is longer than 4096 bytes")
        // Keys the message store (a document database) cannot hold.
        #expect(
            InboundValueCheck.extensionsProblem(["k": .object(["a.b": .null])])
                == "channel field 'k': a key holds '.' or starts with '$'")
        #expect(
            InboundValueCheck.extensionsProblem(["$where": .null])
                == "a channel field: a key holds '.' or starts with '$'")
        #expect(InboundValueCheck.extensionsProblem(["k": .object(["": .null])]) == "channel field 'k': a key is empty")
    }

    @Test func anEnvelopeWithAFieldOutOfRangeIsUnsupportedWithoutIt() throws {
        let fine = envelope(["media_group_id": .string("1360")])
        #expect(InboundValueCheck.check(fine) == .accepted(fine))
        let long = envelope([
            "media_group_id": .string("1360"),
            "quote": .string(String(repeating: "x", count: InboundValueCheck.maxTextBytes + 1)),
        ])
        guard case .unsupported(let checked, let reason) = InboundValueCheck.check(long) else {
            Issue.record("accepted")
            return
        }
        #expect(reason == "channel field 'quote': a string is longer than 65536 bytes")
        #expect(checked.channelExtensions.isEmpty)
        #expect(checked.unknownFields[Envelope.channelExtensionsKey] == nil)
        #expect(try EnvelopeCodec().decode(try EnvelopeCodec().encode(checked)).kind == .unsupported)
    }

    @Test func anInteractiveDescriptionIsBounded() {
        let reply = Content.interactive(
            .init(payload: "row-1", title: "Row", description: String(repeating: "d", count: 4097)))
        #expect(InboundValueCheck.contentProblem(reply) == "interactive description is longer than 4096 bytes")
        #expect(InboundValueCheck.contentProblem(.interactive(.init(payload: "row-1", description: "ok"))) == nil)
    }

    @Test func extensionsSurviveTheCodec() throws {
        let original = envelope([
            "entities": .array([.object(["offset": .number(0), "length": .number(7), "type": .string("bot_command")])]),
            "forward_origin": .object(["type": .string("user"), "date": .number(1_441_640_000)]),
        ])
        let decoded = try EnvelopeCodec().decode(try EnvelopeCodec().encode(original))
        #expect(decoded.channelExtensions == original.channelExtensions)
        #expect(decoded == original)
    }
}
