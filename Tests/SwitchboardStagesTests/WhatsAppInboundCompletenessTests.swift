import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

/// Issue #14: every field of a WhatsApp Cloud API message webhook survives into the envelope, typed where
/// Switchboard has a type, else verbatim under `channel_extensions`. Payloads follow Meta's *Messages webhook
/// reference* (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages):
/// see `Tests/Fixtures/channels/README.md` for each one's section.
@Suite("WhatsApp inbound: nothing the vendor sends is lost")
struct WhatsAppInboundCompletenessTests {
    let adapter = WhatsAppAdapter(
        secrets: ProviderFixtures.secrets(["WHATSAPP_PHONE_NUMBER_ID": "106540352242922"]),
        configuration: ProviderConfiguration(testing: [:]))

    func parse(_ body: [UInt8]) throws -> [Envelope] {
        try adapter.parse(
            body: body, headers: [:], tenantId: "acme", receivedAt: ProviderFixtures.receivedAt, ids: UUIDv7Generator())
    }

    func parse(_ payload: String) throws -> [Envelope] {
        try parse(try InboundPayloads.bytes("whatsapp/\(payload)"))
    }

    func message(_ raw: JSONValue, _ index: Int = 0) -> JSONValue? {
        raw["entry", 0]?["changes", 0]?[path: "value"]?["messages", index]
    }

    @Test func adReferralAndTheSendersProfileName() throws {
        let raw = try InboundPayloads.raw("whatsapp/referral_text.json")
        let envelope = try #require(try parse("referral_text.json").first).roundTripped()
        #expect(envelope.content == .text("Can I get a discount on the cappuccino maker?"))
        // The whole referral block, verbatim (ctwa_clid, welcome_message, media...).
        #expect(envelope.extensionValue("referral") == message(raw)?[path: "referral"])
        #expect(
            envelope.extensionValue("referral.ctwa_clid")
                == .string("Afe6FzcchhD3xpmfRZ8dSfhlDnYM6BSsU7Bqvi5Hu0q8nO_nZxmKVYNPzmj28b41kvtfvp"))
        #expect(envelope.extensionValue("referral.source_type") == .string("ad"))
        #expect(envelope.extensionValue("value.contacts")?[index: 0]?[path: "profile.name"] == .string("Sheena Nelson"))
        #expect(envelope.extensionValue("value.metadata.display_phone_number") == .string("15550783881"))
        #expect(envelope.extensionValue("value.messaging_product") == .string("whatsapp"))
        // Typed values are not repeated.
        for typed in ["text", "from", "id", "timestamp", "type"] {
            #expect(envelope.channelExtensions[typed] == nil, "\(typed)")
        }
        #expect(envelope.unsupportedReason() == nil)
    }

    @Test func listReplyTitleDescriptionAndTheMessageAnswered() throws {
        let envelope = try #require(try parse("list_reply_context.json").first).roundTripped()
        #expect(
            envelope.content
                == .interactive(
                    .init(
                        payload: "priority_express", title: "Priority Mail Express", description: "Next Day to 2 Days"))
        )
        #expect(envelope.relatesTo == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjUwOTEwQzg3NDI2NkMA")
        #expect(envelope.extensionValue("context") == .object(["from": .string("15550783881")]))
        #expect(envelope.extensionValue("interactive") == .object(["type": .string("list_reply")]))
    }

    @Test func forwardsAndProductEnquiriesKeepTheirContextAndOnlyTheirOwnSender() throws {
        let raw = try InboundPayloads.raw("whatsapp/forwarded_product_enquiry.json")
        let envelopes = try parse("forwarded_product_enquiry.json").map { try $0.roundTripped() }
        #expect(envelopes.count == 2)
        let forwarded = try #require(envelopes.first)
        #expect(forwarded.relatesTo == nil)
        #expect(forwarded.extensionValue("context.forwarded") == .bool(true))
        #expect(forwarded.extensionValue("context.frequently_forwarded") == .bool(true))
        let sheena = try #require(raw["entry", 0]?["changes", 0]?[path: "value"]?["contacts", 0])
        #expect(forwarded.extensionValue("value.contacts") == .array([sheena]))

        let enquiry = try #require(envelopes.last)
        #expect(enquiry.relatesTo == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJEQjU0NjhBMUI0NjZBNzAzRjcA")
        #expect(
            enquiry.extensionValue("context.referred_product") == message(raw, 1)?[path: "context.referred_product"])
        #expect(enquiry.extensionValue("context.from") == .string("15550783881"))
        // Another customer's profile in the same batch is not this one's.
        #expect(enquiry.extensionValue("value.contacts")?[index: 0]?[path: "profile.name"] == .string("Pablo Morales"))
        #expect(enquiry.extensionValue("value.contacts")?[index: 1] == nil)
    }

    @Test func systemMessagesAndIdentityBlocksAreKept() throws {
        let raw = try InboundPayloads.raw("whatsapp/system_identity.json")
        let envelopes = try parse("system_identity.json").map { try $0.roundTripped() }
        #expect(envelopes.count == 3)
        let changedNumber = envelopes[0]
        #expect(changedNumber.kind == .unsupported)
        #expect(changedNumber.content == nil)
        #expect(changedNumber.unknownFields["unsupported"]?[path: "type"] == .string("system"))
        #expect(changedNumber.extensionValue("system") == message(raw, 0)?[path: "system"])
        #expect(changedNumber.extensionValue("system.type") == .string("customer_changed_number"))
        #expect(changedNumber.extensionValue("system.new_wa_id") == .string("16505555678"))
        #expect(changedNumber.extensionValue("type") == .string("system"))

        #expect(envelopes[1].extensionValue("system.type") == .string("customer_identity_changed"))
        #expect(envelopes[1].extensionValue("system.identity") == .string("Sjvjlx8G6Z0="))

        let text = envelopes[2]
        #expect(text.content == .text("Hi again"))
        #expect(text.extensionValue("identity") == message(raw, 2)?[path: "identity"])
        #expect(text.extensionValue("identity.created_timestamp") == .number(1_602_532_300_000))
    }

    @Test func anUnknownTypeIsUnsupportedWithItsRawBlock() throws {
        let raw = try InboundPayloads.raw("whatsapp/unknown_type.json")
        let envelope = try #require(try parse("unknown_type.json").first).roundTripped()
        #expect(envelope.kind == .unsupported)
        #expect(envelope.unknownFields["unsupported"]?[path: "type"] == .string("order"))
        #expect(envelope.extensionValue("order") == message(raw)?[path: "order"])
    }

    /// The shared fixture of Meta's *Unsupported messages* example: its `errors` and `unsupported` blocks.
    @Test func theVendorsErrorsAreKeptVerbatim() throws {
        let raw = try JSONDecoder().decode(
            JSONValue.self, from: Data(try ProviderFixtures.bytes("whatsapp/unsupported_type.json")))
        let envelope = try #require(
            try parse(try ProviderFixtures.bytes("whatsapp/unsupported_type.json")).first)
        #expect(envelope.kind == .unsupported)
        #expect(envelope.extensionValue("errors") == message(raw)?[path: "errors"])
        #expect(envelope.extensionValue("errors") != nil)
        #expect(envelope.extensionValue("unsupported.type") == .string("edit"))
    }

    @Test func valuesOutOfRangeBecomeUnsupportedWithTheReason() throws {
        let list = try InboundPayloads.json("whatsapp/list_reply_context.json")
        let messagePath: [Any] = ["entry", 0, "changes", 0, "value", "messages", 0]
        let longDescription = try ChannelTimestampTests.setting(
            list, messagePath + ["interactive", "list_reply", "description"], String(repeating: "d", count: 4097))
        #expect(
            try parse(try ChannelTimestampTests.bytes(longDescription)).first?.unsupportedReason()
                == "interactive description is longer than 4096 bytes")

        let longContext = try ChannelTimestampTests.setting(
            list, messagePath + ["context", "id"], "wamid." + String(repeating: "A", count: 300))
        #expect(
            try parse(try ChannelTimestampTests.bytes(longContext)).first?.unsupportedReason()
                == "related message id is longer than 256 bytes")

        let referral = try InboundPayloads.json("whatsapp/referral_text.json")
        let longBody = try ChannelTimestampTests.setting(
            referral, messagePath + ["referral", "body"], String(repeating: "b", count: 65_537))
        let envelope = try #require(try parse(try ChannelTimestampTests.bytes(longBody)).first)
        #expect(envelope.unsupportedReason() == "channel field 'referral': a string is longer than 65536 bytes")
        guard case .unsupported(let checked, _) = InboundValueCheck.check(envelope) else {
            Issue.record("not unsupported")
            return
        }
        // The out-of-range value is not kept, even on the unsupported envelope.
        #expect(checked.channelExtensions.isEmpty)
    }
}
