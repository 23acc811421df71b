/// The parts of a WhatsApp Cloud API webhook (`object: whatsapp_business_account`) Switchboard reads.
/// Every field is optional so new or missing fields never reject a webhook.
struct WhatsAppWebhookPayload: Decodable {
    var object: String?
    var entry: [Entry]?

    struct Entry: Decodable {
        var id: String?
        var changes: [Change]?
    }

    struct Change: Decodable {
        var field: String?
        var value: Value?
    }

    struct Value: Decodable {
        var metadata: Metadata?
        var contacts: [Profile]?
        var messages: [Message]?
        var statuses: [Status]?
    }

    /// A sender's entry in the change's `contacts`: its `wa_id` (the profile name and the rest are kept raw).
    struct Profile: Decodable { var wa_id: String? }

    /// The message being answered: `context.id` (forwards and product enquiries carry other fields, kept raw).
    struct Context: Decodable { var id: String? }

    struct Metadata: Decodable {
        var display_phone_number: String?
        var phone_number_id: String?
    }

    struct ProviderError: Decodable {
        struct Data: Decodable { var details: String? }
        var code: Int?
        var title: String?
        var message: String?
        var error_data: Data?

        /// `131051 Message type unknown: Message type is currently not supported.`
        var summary: String {
            var text = [code.map(String.init), message ?? title].compactMap { $0 }.joined(separator: " ")
            if let details = error_data?.details, !details.isEmpty { text += ": " + details }
            return text
        }
    }

    struct Message: Decodable {
        var from: String?
        var id: String?
        var timestamp: String?
        var type: String?
        var text: Text?
        var image: Media?
        var audio: Media?
        var video: Media?
        var document: Media?
        var sticker: Media?
        var location: Location?
        var contacts: [Contact]?
        var interactive: Interactive?
        var button: Button?
        var reaction: Reaction?
        var errors: [ProviderError]?
        var unsupported: Unsupported?
        var context: Context?
    }

    struct Text: Decodable { var body: String? }

    struct Media: Decodable {
        var id: String?
        var mime_type: String?
        var caption: String?
        var filename: String?
        var url: String?
    }

    struct Location: Decodable {
        var latitude: Double?
        var longitude: Double?
        var name: String?
        var address: String?
    }

    struct Contact: Decodable {
        struct Name: Decodable {
            var formatted_name: String?
            var first_name: String?
            var last_name: String?
        }
        struct Phone: Decodable { var phone: String? }
        struct Email: Decodable { var email: String? }
        var name: Name?
        var phones: [Phone]?
        var emails: [Email]?
    }

    struct Interactive: Decodable {
        struct Reply: Decodable {
            var id: String?
            var title: String?
            var description: String?
        }
        var type: String?
        var button_reply: Reply?
        var list_reply: Reply?
    }

    struct Button: Decodable {
        var payload: String?
        var text: String?
    }

    struct Reaction: Decodable {
        var message_id: String?
        var emoji: String?
    }

    struct Unsupported: Decodable { var type: String? }

    struct Status: Decodable {
        var id: String?
        var status: String?
        var timestamp: String?
        var recipient_id: String?
        var errors: [ProviderError]?
    }
}
