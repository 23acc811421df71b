import Foundation

/// The parts of a Bot API `Update` that Switchboard reads. Every field a sample from an older Bot API lacks
/// (`is_bot`, `chat_instance`, the callback's `message`) is optional, and unknown fields are ignored.
struct TelegramUpdate: Decodable, Sendable {
    var update_id: Int64?
    var message: Message?
    var edited_message: Message?
    var callback_query: CallbackQuery?

    struct Chat: Decodable, Sendable {
        var id: Int64
    }

    struct User: Decodable, Sendable {
        var id: Int64
    }

    struct Message: Decodable, Sendable {
        var message_id: Int64
        var chat: Chat
        var from: User?
        var date: Int64?
        var edit_date: Int64?
        var text: String?
        var caption: String?
        var photo: [PhotoSize]?
        var document: File?
        var video: File?
        var voice: File?
        var audio: File?
        var location: Location?
        var venue: Venue?
        var contact: Contact?
        var forward_date: Int64?
        var forward_origin: ForwardOrigin?
        var reply_to_message: RepliedMessage?
    }

    /// The message a message answers: only its address is typed (the rest is kept raw), and read tolerantly:
    /// a reply Switchboard cannot place is still the customer's message.
    struct RepliedMessage: Decodable, Sendable {
        var message_id: Int64?
        var chatId: Int64?

        private enum CodingKeys: String, CodingKey { case message_id, chat }
        private struct ChatId: Decodable { var id: Int64? }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message_id = try? container.decodeIfPresent(Int64.self, forKey: .message_id)
            chatId = (try? container.decodeIfPresent(ChatId.self, forKey: .chat))?.id
        }
    }

    struct PhotoSize: Decodable, Sendable {
        var file_id: String
        var width: Int?
        var height: Int?
        var file_size: Int?
    }

    struct File: Decodable, Sendable {
        var file_id: String
        var mime_type: String?
        var file_name: String?
    }

    struct Location: Decodable, Sendable {
        var latitude: Double
        var longitude: Double
    }

    struct Venue: Decodable, Sendable {
        var location: Location
        var title: String?
        var address: String?
    }

    struct Contact: Decodable, Sendable {
        var phone_number: String
        var first_name: String?
        var last_name: String?
    }

    struct ForwardOrigin: Decodable, Sendable {
        var type: String?
        var date: Int64?
    }

    struct CallbackQuery: Decodable, Sendable {
        var id: String
        var from: User
        var message: CallbackMessage?
        var inline_message_id: String?
        var data: String?
    }

    /// The message a callback button was attached to; only its address is read (it may be inaccessible).
    struct CallbackMessage: Decodable, Sendable {
        var message_id: Int64
        var chat: Chat
    }
}
