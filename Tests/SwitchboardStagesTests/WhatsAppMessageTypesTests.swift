import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

/// The WhatsApp message types the shared fixtures do not include, in the shape of Meta's webhook reference
/// (`messages[]` objects of type audio, video, document, sticker, contacts, interactive list reply, button).
@Suite("WhatsApp webhooks: the other message types")
struct WhatsAppMessageTypesTests {
    let adapter = WhatsAppAdapter(
        secrets: ProviderFixtures.secrets([:]), configuration: ProviderConfiguration(testing: [:]))

    /// One message in a whole webhook, as Meta posts it.
    func envelope(_ type: String, _ fields: String) throws -> Envelope {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",\
            "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",\
            "phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},\
            "wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.\(type)",\
            "timestamp":"1749416383","type":"\(type)",\(fields)}]}}]}]}
            """
        let envelopes = try adapter.parse(
            body: Array(body.utf8), headers: [:], tenantId: "acme", receivedAt: ProviderFixtures.receivedAt,
            ids: UUIDv7Generator())
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        #expect(envelope.kind == .message, "\(type)")
        #expect(envelope.externalId == "+16505551234")
        #expect(envelope.channelMessageId == "wamid.\(type)")
        return envelope
    }

    @Test func audioVideoDocumentAndStickerAreMediaById() throws {
        #expect(
            try envelope(
                "audio",
                #""audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"abc","id":"1003383421387256","voice":true}"#
            )
            .content == .media(.init(reference: "1003383421387256", mimeType: "audio/ogg; codecs=opus")))
        #expect(
            try envelope("video", #""video":{"caption":"Look","mime_type":"video/mp4","sha256":"abc","id":"2003"}"#)
                .content == .media(.init(reference: "2003", mimeType: "video/mp4", caption: "Look")))
        #expect(
            try envelope(
                "document",
                #""document":{"caption":"Invoice","filename":"invoice-42.pdf","mime_type":"application/pdf","sha256":"abc","id":"3003"}"#
            ).content
                == .media(
                    .init(
                        reference: "3003", mimeType: "application/pdf", caption: "Invoice", fileName: "invoice-42.pdf"))
        )
        #expect(
            try envelope(
                "sticker", #""sticker":{"mime_type":"image/webp","sha256":"abc","id":"4003","animated":false}"#
            )
            .content == .media(.init(reference: "4003", mimeType: "image/webp")))
    }

    @Test func aSharedContactIsAContactCard() throws {
        let contact = try envelope(
            "contacts",
            #""contacts":[{"name":{"formatted_name":"Barbara J. Johnson","first_name":"Barbara","last_name":"Johnson"},"phones":[{"phone":"+1 (940) 555-1234","type":"HOME","wa_id":"19405551234"}],"emails":[{"email":"bjohnson@example.com","type":"WORK"}]}]"#
        )
        #expect(
            contact.content
                == .contact(
                    .init(name: "Barbara J. Johnson", phones: ["+1 (940) 555-1234"], emails: ["bjohnson@example.com"])))
    }

    @Test func listRepliesAndTemplateButtonsAreInteractive() throws {
        let list = try envelope(
            "interactive",
            #""interactive":{"type":"list_reply","list_reply":{"id":"priority_express","title":"Express","description":"Next day"}}"#
        )
        #expect(
            list.content
                == .interactive(.init(payload: "priority_express", title: "Express", description: "Next day")))
        let button = try envelope("button", #""button":{"payload":"STOP_PROMOTIONS","text":"Stop promotions"}"#)
        #expect(button.content == .interactive(.init(payload: "STOP_PROMOTIONS", title: "Stop promotions")))
    }
}
