import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

/// Issue #14: every field of a Telegram Bot API `Update` survives into the envelope, typed where Switchboard
/// has a type, else verbatim under `channel_extensions`. Payloads follow the Bot API reference
/// (core.telegram.org/bots/api#message: `Message`, `MessageEntity`, `MessageOrigin`, `TextQuote`).
@Suite("Telegram inbound: nothing the vendor sends is lost")
struct TelegramInboundCompletenessTests {
    func parse(_ body: [UInt8]) throws -> [Envelope] {
        try TelegramEnvelopeBuilder().envelopes(
            body: body, tenantId: "acme", traceId: "t", receivedAt: ProviderFixtures.receivedAt)
    }

    @Test func forwardsEntitiesRepliesAndQuotes() throws {
        let raw = try InboundPayloads.raw("telegram/forward_entities_reply.json")
        let message = try #require(raw[path: "message"])
        let envelope = try #require(try parse(try InboundPayloads.bytes("telegram/forward_entities_reply.json")).first)
            .roundTripped()
        #expect(envelope.content == .text("/status order AB123456 please"))
        // The message answered, by the same id Switchboard gives every Telegram message.
        #expect(envelope.relatesTo == "1111111:1365")
        for key in ["entities", "forward_origin", "forward_from", "forward_date", "reply_to_message", "quote", "from"] {
            #expect(envelope.channelExtensions[key] == message[path: key], "\(key)")
            #expect(envelope.channelExtensions[key] != nil, "\(key)")
        }
        #expect(envelope.extensionValue("forward_origin.sender_user.first_name") == .string("Ada"))
        #expect(envelope.extensionValue("entities")?[index: 1]?[path: "type"] == .string("bold"))
        #expect(envelope.extensionValue("chat.username") == .string("Testusername"))
        #expect(envelope.extensionValue("update_id") == .number(10_000_201))
        for typed in ["text", "message_id", "date", "chat.id"] {
            #expect(envelope.extensionValue(typed) == nil, "\(typed)")
        }
    }

    @Test func mediaGroupsAndCaptionEntities() throws {
        let raw = try InboundPayloads.raw("telegram/media_group_photo.json")
        let envelope = try #require(try parse(try InboundPayloads.bytes("telegram/media_group_photo.json")).first)
            .roundTripped()
        #expect(
            envelope.content
                == .media(
                    .init(
                        reference: "AgACAgQAAxkBAAIBR2ZlargeAAA", mimeType: "image/jpeg",
                        caption: "The damaged box, see the corner")))
        #expect(envelope.extensionValue("media_group_id") == .string("13601240569999999"))
        #expect(envelope.extensionValue("caption_entities") == raw[path: "message.caption_entities"])
        // Every size, not only the largest one the content refers to.
        #expect(envelope.extensionValue("photo") == raw[path: "message.photo"])
        #expect(envelope.extensionValue("caption") == nil)
    }

    @Test func anEditedReplyKeepsWhatItAnswered() throws {
        let raw = try InboundPayloads.raw("telegram/edited_reply.json")
        let envelope = try #require(try parse(try InboundPayloads.bytes("telegram/edited_reply.json")).first)
            .roundTripped()
        #expect(envelope.kind == .edit)
        #expect(envelope.relatesTo == "1111111:1369")
        #expect(envelope.content == .text("Order AB123456, sorry"))
        #expect(envelope.channelTimestamp == Date(timeIntervalSince1970: 1_441_645_760))
        #expect(envelope.extensionValue("reply_to_message") == raw[path: "edited_message.reply_to_message"])
        #expect(envelope.extensionValue("entities") == raw[path: "edited_message.entities"])
        // The original date stays; the edit date is the envelope's timestamp.
        #expect(envelope.extensionValue("date") == .number(1_441_645_700))
        #expect(envelope.extensionValue("edit_date") == nil)
    }

    /// The shared callback fixture: what the callback carries besides its id and data.
    @Test func callbackQueriesKeepTheirSender() throws {
        let envelope = try #require(try parse(try ProviderFixtures.bytes("telegram/callback_query.json")).first)
        #expect(envelope.extensionValue("from") != nil)
        #expect(envelope.extensionValue("id") == nil)
        #expect(envelope.extensionValue("data") == nil)
    }

    @Test func valuesOutOfRangeBecomeUnsupportedWithTheReason() throws {
        let payload = try InboundPayloads.json("telegram/forward_entities_reply.json")
        let longQuote = try ChannelTimestampTests.setting(
            payload, ["message", "quote", "text"], String(repeating: "q", count: 65_537))
        #expect(
            try parse(try ChannelTimestampTests.bytes(longQuote)).first?.unsupportedReason()
                == "channel field 'quote': a string is longer than 65536 bytes")

        var deep: Any = "bottom"
        for _ in 0..<20 { deep = ["next": deep] }
        var nested = payload
        var message = try #require(nested["message"] as? [String: Any])
        message["future_field"] = deep
        nested["message"] = message
        #expect(
            try parse(try ChannelTimestampTests.bytes(nested)).first?.unsupportedReason()
                == "channel field 'future_field': nested deeper than 16 levels")
    }
}
