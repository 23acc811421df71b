import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

/// A Meta app can serve several WhatsApp numbers and pages, so a webhook signed with the tenant's app secret
/// may still be about another account. Such parts must not become this tenant's customers.
@Suite("Meta webhooks are bound to the tenant's own number and page")
struct MetaAccountBindingTests {
    func whatsApp(phoneNumberId: String?) -> WhatsAppAdapter {
        var credentials = ["WHATSAPP_APP_SECRET": ProviderFixtures.metaAppSecret]
        if let phoneNumberId { credentials["WHATSAPP_PHONE_NUMBER_ID"] = phoneNumberId }
        return WhatsAppAdapter(
            secrets: ProviderFixtures.secrets(credentials), configuration: ProviderConfiguration(testing: [:]))
    }

    func messenger(pageId: String?) -> MessengerAdapter {
        var credentials = ["MESSENGER_APP_SECRET": ProviderFixtures.metaAppSecret]
        if let pageId { credentials["MESSENGER_PAGE_ID"] = pageId }
        return MessengerAdapter(
            secrets: ProviderFixtures.secrets(credentials), configuration: ProviderConfiguration(testing: [:]))
    }

    func parse(_ adapter: some WebhookChannelAdapter, _ fixture: String) throws -> [Envelope] {
        try adapter.parse(
            body: try ProviderFixtures.bytes(fixture), headers: [:], tenantId: "acme",
            receivedAt: ProviderFixtures.receivedAt, ids: UUIDv7Generator())
    }

    @Test("a WhatsApp change for another phone number id is ignored; the tenant's own is taken")
    func whatsAppNumber() throws {
        // The fixture's metadata.phone_number_id is 106540352242922.
        #expect(try parse(whatsApp(phoneNumberId: "106540352242922"), "whatsapp/text.json").count == 1)
        #expect(try parse(whatsApp(phoneNumberId: "999999999999999"), "whatsapp/text.json").isEmpty)
        #expect(try parse(whatsApp(phoneNumberId: nil), "whatsapp/text.json").count == 1)
    }

    @Test("a Messenger entry for another page id is ignored; the tenant's own page is taken")
    func messengerPage() throws {
        // Both entries of the fixture are for page 1234567890.
        #expect(try !parse(messenger(pageId: "1234567890"), "messenger/batch_two_entries.json").isEmpty)
        #expect(try parse(messenger(pageId: "42"), "messenger/batch_two_entries.json").isEmpty)
    }
}
