import Foundation
import SwitchboardCore
import Testing

@Suite("Envelope codec")
struct EnvelopeCodecTests {
    let codec = EnvelopeCodec()

    static func sample(content: Content?, kind: MessageKind = .message) -> Envelope {
        Envelope(
            id: UUIDv7Generator.make(milliseconds: 1_740_000_000_123, counter: 1, random: 42),
            tenantId: "demo", channel: .whatsapp, direction: .inbound, kind: kind,
            channelMessageId: "wamid.1", externalId: "+491701234567", customerId: "c-1", sessionId: "s-1",
            content: content, channelTimestamp: Date(timeIntervalSince1970: 1_740_000_000),
            receivedAt: Date(timeIntervalSince1970: 1_740_000_000.125), traceId: "trace-1",
            annotations: Annotations(
                intent: "greet", entities: [Entity(name: "order_id", value: "AB123456", start: 3, end: 11)],
                confidence: 0.9, routeDecision: RouteDecision(target: .bot, reason: .botDefault)))
    }

    static let contents: [Content] = [
        .text("Hallo, wo ist meine Bestellung? 🚚"),
        .media(
            .init(reference: "https://cdn.example/1.jpg", mimeType: "image/jpeg", caption: "receipt", fileName: "1.jpg")
        ),
        .location(.init(latitude: 52.52, longitude: 13.405, name: "Office", address: "Berlin")),
        .interactive(.init(payload: "ORDER_STATUS", title: "Order status")),
        .contact(.init(name: "Ada", phones: ["+441234567890"], emails: ["ada@example.org"])),
    ]

    @Test("round trip keeps every content kind", arguments: contents)
    func roundTrip(content: Content) throws {
        let envelope = Self.sample(content: content)
        let bytes = try codec.encode(envelope)
        let decoded = try codec.decode(bytes)
        #expect(decoded == envelope)
    }

    @Test("outbound reply and delivery status round trip")
    func outboundAndStatus() throws {
        let inbound = Self.sample(content: .text("hi"))
        var reply = inbound.reply(
            content: .text("Hello!"), sender: .agent(id: "agent-7"), stage: "human-handover",
            at: Date(timeIntervalSince1970: 1_740_000_001))
        reply.annotations.handoverReason = .customerAskedForHuman
        #expect(try codec.decode(codec.encode(reply)) == reply)
        #expect(reply.replyTo == inbound.id && reply.direction == .outbound && reply.traceId == inbound.traceId)

        var status = Self.sample(content: nil, kind: .deliveryStatus)
        status.deliveryStatus = DeliveryStatus(state: .failed, error: "131047")
        status.relatesTo = "wamid.2"
        #expect(try codec.decode(codec.encode(status)) == status)
    }

    @Test("wire format uses snake_case keys, ISO-8601 fractional dates and lowercase ids")
    func wireFormat() throws {
        let envelope = Self.sample(content: .text("hi"))
        let json = String(decoding: try codec.encode(envelope), as: UTF8.self)
        #expect(json.contains(#""tenant_id":"demo""#))
        #expect(json.contains(#""received_at":"2025-02-19T21:20:00.125Z""#))
        #expect(
            SwitchboardJSON.formatDate(Date(timeIntervalSince1970: 1_740_000_000.123)) == "2025-02-19T21:20:00.123Z")
        #expect(
            SwitchboardJSON.formatDate(Date(timeIntervalSince1970: 1_740_000_000.9996)) == "2025-02-19T21:20:01.000Z")
        #expect(json.contains(#""content":{"text":"hi","type":"text"}"#))
        #expect(json.contains(#""route_decision":{"reason":"bot_default","target":"bot"}"#))
        #expect(json.contains(envelope.id.uuidString.lowercased()))
    }

    @Test("unknown fields survive decode, modify, encode")
    func unknownFieldsPreserved() throws {
        let json = """
            {"id":"01952085-77fb-7001-8000-00000000002a","version":1,"tenant_id":"demo","channel":"telegram",
             "direction":"inbound","external_id":"12345","content":{"type":"text","text":"hi"},
             "received_at":"2025-02-19T21:20:00Z","trace_id":"t",
             "sentiment":{"score":-0.4,"labels":["angry","urgent"],"camelCaseKey":null},
             "priority":3,
             "annotations":{"intent":"greet","language":"de","toxicity":{"value":0.01}}}
            """
        var envelope = try codec.decode(Array(json.utf8))
        #expect(envelope.unknownFields["priority"] == .number(3))
        envelope.sessionId = "s-9"
        envelope.annotations.routeDecision = RouteDecision(target: .bot, reason: .botDefault)
        let reencoded = try codec.encode(envelope)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reencoded)) as? [String: Any])
        let sentiment = try #require(object["sentiment"] as? [String: Any])
        #expect(sentiment["labels"] as? [String] == ["angry", "urgent"])
        #expect(sentiment.keys.contains("camelCaseKey"))
        #expect(object["priority"] as? Int == 3)
        #expect(object["session_id"] as? String == "s-9")
        let annotations = try #require(object["annotations"] as? [String: Any])
        #expect(annotations["language"] as? String == "de")
        #expect((annotations["toxicity"] as? [String: Any])?["value"] as? Double == 0.01)
        #expect(annotations["route_decision"] != nil)
        #expect(try codec.decode(reencoded) == envelope)
    }

    static let valid =
        #"{"id":"01952085-77fb-7001-8000-00000000002a","version":1,"tenant_id":"demo","channel":"sms","direction":"inbound","external_id":"+15550100","content":{"type":"text","text":"hi"},"received_at":"2025-02-19T21:20:00.5Z","trace_id":"t"}"#

    static func replacing(_ old: String, with new: String) -> String {
        valid.replacingOccurrences(of: old, with: new)
    }

    static let badCases: [(String, EnvelopeDecodingError.Reason)] = [
        ("not json at all", .notJSON),
        ("", .notJSON),
        ("[1,2]", .notAnObject),
        (replacing(#""tenant_id":"demo","#, with: ""), .missingField("tenant_id")),
        (replacing(#""tenant_id":"demo""#, with: #""tenant_id":"""#), .invalidField("tenant_id", "is empty")),
        (replacing(#""version":1"#, with: #""version":2"#), .unsupportedVersion(2)),
        (replacing(#""version":1"#, with: #""version":0"#), .invalidField("version", "must be 1 or greater, got 0")),
        (replacing(#""version":1"#, with: #""version":"1""#), .invalidField("version", "expected a number")),
        (replacing(#""text":"hi""#, with: #""text":5"#), .invalidField("content.text", "expected a string")),
        (replacing(#"{"type":"text","text":"hi"}"#, with: #"{"type":"text"}"#), .missingField("content.text")),
        (replacing(#","content":{"type":"text","text":"hi"}"#, with: ""), .missingField("content")),
        (replacing(#""trace_id":"t""#, with: #""trace_id":null"#), .invalidField("trace_id", "is null")),
    ]

    @Test("bad envelopes give a reason naming the field", arguments: badCases)
    func badEnvelope(json: String, reason: EnvelopeDecodingError.Reason) {
        #expect(throws: EnvelopeDecodingError(reason)) { try codec.decode(Array(json.utf8)) }
    }

    @Test("an unknown channel, a bad date and bad coordinates are invalid fields")
    func invalidValues() throws {
        for (json, field) in [
            (Self.replacing(#""channel":"sms""#, with: #""channel":"fax""#), "channel"),
            (Self.replacing("2025-02-19T21:20:00.5Z", with: "yesterday"), "received_at"),
            (
                Self.replacing(
                    #"{"type":"text","text":"hi"}"#, with: #"{"type":"location","latitude":123,"longitude":0}"#),
                "content"
            ),
            (Self.replacing(#""type":"text""#, with: #""type":"hologram""#), "content"),
        ] {
            do {
                _ = try codec.decode(Array(json.utf8))
                Issue.record("expected failure for \(field)")
            } catch {
                guard case .invalidField(let name, _) = error.reason else {
                    Issue.record("wrong reason \(error.reason)")
                    continue
                }
                #expect(name.hasPrefix(field))
                #expect(!error.description.contains("hi"))
            }
        }
    }

    @Test("a valid minimal envelope decodes with defaults")
    func minimal() throws {
        let envelope = try codec.decode(Array(Self.valid.utf8))
        #expect(envelope.kind == .message)
        #expect(envelope.annotations == Annotations())
        #expect(envelope.partitionKey.value == "demo|sms|+15550100")
    }

    @Test("Kafka headers and partition keys")
    func headersAndKeys() {
        var envelope = Self.sample(content: .text("x"))
        let headers = EnvelopeHeaders.headers(for: envelope)
        #expect(headers.map(\.name) == ["switchboard-trace-id", "switchboard-envelope-version"])
        #expect(headers.map { String(decoding: $0.value, as: UTF8.self) } == ["trace-1", "1"])
        #expect(envelope.partitionKey == .customer(tenantId: "demo", customerId: "c-1"))
        envelope.customerId = nil
        #expect(envelope.partitionKey == .inbound(tenantId: "demo", channel: .whatsapp, externalId: "+491701234567"))
    }

    @Test("topic names use the prefix")
    func topics() {
        #expect(TopicNames().inbound == "switchboard.inbound")
        let names = TopicNames(prefix: "t42.")
        #expect(
            names.all == [
                "t42.inbound", "t42.identified", "t42.sessioned", "t42.nlp", "t42.handover", "t42.outbound",
                "t42.deadletter", "t42.events", "t42.actions", "t42.reply-deltas",
            ])
    }
}
