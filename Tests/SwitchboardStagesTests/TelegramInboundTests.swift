import Foundation
import HTTPTypes
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The shared Telegram fixtures, read as they are.
enum TelegramFixture {
    static let directory = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["SWITCHBOARD_CHANNEL_FIXTURES"]
            ?? TestStack.channelFixtures.path)

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent("telegram/\(name)")))
    }

    static func json(_ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes(name))) as? [String: Any])
    }
}

@Suite("Telegram inbound updates")
struct TelegramInboundTests {
    let receivedAt = Date(timeIntervalSince1970: 1_700_000_000)

    func envelopes(_ fixture: String) throws -> [Envelope] {
        try TelegramEnvelopeBuilder().envelopes(
            body: try TelegramFixture.bytes(fixture), tenantId: "acme", traceId: "trace-1", receivedAt: receivedAt)
    }

    func one(_ fixture: String) throws -> Envelope {
        let all = try envelopes(fixture)
        #expect(all.count == 1)
        return try #require(all.first)
    }

    @Test func textMessage() throws {
        let envelope = try one("message_text.json")
        #expect(envelope.id == TelegramEnvelopeBuilder.envelopeId(tenantId: "acme", name: "message|1111111:1365"))
        #expect(envelope.tenantId == "acme")
        #expect(envelope.channel == .telegram)
        #expect(envelope.direction == .inbound)
        #expect(envelope.kind == .message)
        #expect(envelope.channelMessageId == "1111111:1365")
        #expect(envelope.externalId == "1111111")
        #expect(envelope.conversationId == "1111111")
        #expect(envelope.content == .text("/start"))
        #expect(envelope.channelTimestamp == Date(timeIntervalSince1970: 1_441_645_532))
        #expect(envelope.receivedAt == receivedAt)
        #expect(envelope.traceId == "trace-1")
        #expect(envelope.relatesTo == nil)
        #expect(envelope.deliveryStatus == nil)
    }

    @Test func editedMessageRelatesToTheOriginal() throws {
        let original = try one("message_text.json")
        let edit = try one("edited_message.json")
        #expect(edit.kind == .edit)
        #expect(edit.relatesTo == "1111111:1365")
        #expect(edit.relatesTo == original.channelMessageId)
        #expect(edit.channelMessageId == "1111111:1365")
        #expect(edit.externalId == "1111111")
        #expect(edit.content == .text("Edited text"))
        #expect(edit.channelTimestamp == Date(timeIntervalSince1970: 1_441_646_600))
        #expect(edit.id != original.id)
        #expect(edit.id == TelegramEnvelopeBuilder.envelopeId(tenantId: "acme", name: "edit|1111111:1365|1441646600"))
    }

    @Test func callbackQueryFromAnOldSampleWithoutMessage() throws {
        let envelope = try one("callback_query.json")
        #expect(envelope.kind == .message)
        #expect(envelope.content == .interactive(.init(payload: "Data from button callback")))
        #expect(envelope.externalId == "1111111")
        #expect(envelope.channelMessageId == "callback:4382bfdwdsb323b2d9")
        #expect(envelope.relatesTo == "1234csdbsk4839")
        #expect(envelope.channelTimestamp == nil)
        #expect(
            envelope.id == TelegramEnvelopeBuilder.envelopeId(tenantId: "acme", name: "callback|4382bfdwdsb323b2d9"))
    }

    @Test func photoUsesTheLargestSize() throws {
        let envelope = try one("message_photo.json")
        #expect(envelope.kind == .message)
        #expect(envelope.channelMessageId == "3527065:85")
        #expect(envelope.externalId == "3527065")
        #expect(
            envelope.content
                == .media(
                    .init(
                        reference: "AgADAQADtKcxG4LRUUQSQVUjfJIiiF8G6C8ABA9NJzFdXskaincBAAEC", mimeType: "image/jpeg",
                        caption: "Photo Caption")))
        #expect(envelope.channelTimestamp == Date(timeIntervalSince1970: 1_493_843_318))
    }

    @Test func location() throws {
        let envelope = try one("message_location.json")
        #expect(envelope.channelMessageId == "3527065:94")
        #expect(envelope.externalId == "3527065")
        #expect(envelope.content == .location(.init(latitude: -2.890287, longitude: -79.004333)))
        #expect(envelope.channelTimestamp == Date(timeIntervalSince1970: 1_493_845_244))
    }

    @Test func contact() throws {
        let envelope = try one("message_contact.json")
        #expect(envelope.channelMessageId == "3527065:96")
        #expect(envelope.externalId == "3527065")
        #expect(envelope.content == .contact(.init(name: "Adolf Taxi", phones: ["0788531373"])))
    }

    @Test func venueForwardedAndUnsupportedMessages() throws {
        func parse(_ json: String) throws -> Envelope {
            try #require(
                try TelegramEnvelopeBuilder().envelopes(
                    body: Array(json.utf8), tenantId: "acme", traceId: "t", receivedAt: receivedAt
                ).first)
        }
        let chat = #""message_id":7,"date":1,"chat":{"id":-100123,"type":"group"}"#
        let venue = try parse(
            #"{"update_id":1,"message":{\#(chat),"location":{"latitude":1.5,"longitude":2.5},"#
                + #""venue":{"location":{"latitude":1.5,"longitude":2.5},"title":"Cafe","address":"Main St 1"}}}"#)
        #expect(venue.content == .location(.init(latitude: 1.5, longitude: 2.5, name: "Cafe", address: "Main St 1")))
        #expect(venue.externalId == "-100123")
        #expect(venue.channelMessageId == "-100123:7")
        let forwarded = try parse(
            #"{"update_id":2,"message":{\#(chat),"forward_origin":{"type":"user","date":5},"text":"fwd"}}"#)
        #expect(forwarded.content == .text("fwd"))
        let sticker = try parse(#"{"update_id":3,"message":{\#(chat),"sticker":{"file_id":"s"}}}"#)
        #expect(sticker.kind == .unsupported)
        #expect(sticker.content == nil)
    }

    @Test func ignoredAndInvalidBodies() throws {
        let ignored = try TelegramEnvelopeBuilder().envelopes(
            body: Array(#"{"update_id":9,"my_chat_member":{}}"#.utf8), tenantId: "acme", traceId: "t",
            receivedAt: receivedAt)
        #expect(ignored.isEmpty)
        #expect(throws: ChannelHTTPError.self) {
            try TelegramEnvelopeBuilder().envelopes(
                body: Array("not json".utf8), tenantId: "acme", traceId: "t", receivedAt: receivedAt)
        }
    }

    @Test func redeliveryKeepsTheEnvelopeId() throws {
        let body = try TelegramFixture.bytes("message_photo.json")
        let first = try TelegramEnvelopeBuilder().envelopes(
            body: body, tenantId: "acme", traceId: "a", receivedAt: receivedAt)
        let again = try TelegramEnvelopeBuilder().envelopes(
            body: body, tenantId: "acme", traceId: "b", receivedAt: Date())
        #expect(first.map(\.id) == again.map(\.id))
        let otherTenant = try TelegramEnvelopeBuilder().envelopes(
            body: body, tenantId: "other", traceId: "a", receivedAt: receivedAt)
        #expect(first.map(\.id) != otherTenant.map(\.id))
    }

    @Test func secretTokenCases() throws {
        let check = try TelegramFixture.json("secret_token_check.json")
        let configured = try #require(check["configured_secret_token"] as? String)
        let body = try TelegramFixture.bytes(try #require(check["body_file"] as? String))
        let adapter = TelegramAdapter(
            secrets: TenantSecrets(
                tenantIds: ["acme"], environment: ["SWITCHBOARD_TENANT_ACME_TELEGRAM_SECRET_TOKEN": configured]))
        let cases = try #require(check["cases"] as? [[String: Any]])
        #expect(cases.count == 3)
        for testCase in cases {
            var headers = HTTPFields()
            for (name, value) in try #require(testCase["header"] as? [String: String]) {
                headers[try #require(HTTPField.Name(name))] = value
            }
            let expected = try #require(testCase["expect_status"] as? Int)
            do {
                try adapter.verify(headers: headers, body: body, tenantId: "acme")
                #expect(expected == 200)
            } catch {
                #expect(Int(error.status.code) == expected)
            }
        }
        // A tenant without a configured token accepts nothing.
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(
                headers: [HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!: configured], body: body,
                tenantId: "other")
        }
    }
}
