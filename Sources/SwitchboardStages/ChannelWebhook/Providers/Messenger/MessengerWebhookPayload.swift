/// The parts of a Messenger Platform webhook (`object: page`) Switchboard reads; every field optional.
struct MessengerWebhookPayload: Decodable {
    var object: String?
    var entry: [Entry]?

    struct Entry: Decodable {
        var id: String?
        var time: Int64?
        var messaging: [Event]?
    }

    struct Party: Decodable { var id: String? }

    struct Event: Decodable {
        var sender: Party?
        var recipient: Party?
        var timestamp: Int64?
        var message: Message?
        var postback: Postback?
        var delivery: Delivery?
        var read: Read?
        /// A standalone referral (`messaging_referrals`): an m.me link, an ad or a chat plugin opened an
        /// existing thread; kept raw.
        var referral: Referral?
    }

    struct Referral: Decodable {
        var ref: String?
        var source: String?
    }

    /// The message a message answers.
    struct ReplyTo: Decodable { var mid: String? }

    struct Message: Decodable {
        var mid: String?
        var text: String?
        var is_echo: Bool?
        var quick_reply: QuickReply?
        var attachments: [Attachment]?
        var reply_to: ReplyTo?
    }

    struct QuickReply: Decodable { var payload: String? }

    struct Attachment: Decodable {
        struct Payload: Decodable {
            struct Coordinates: Decodable {
                var lat: Double?
                var long: Double?
            }
            var url: String?
            var coordinates: Coordinates?
        }
        var type: String?
        var payload: Payload?
    }

    struct Postback: Decodable {
        var title: String?
        var payload: String?
        var mid: String?
    }

    struct Delivery: Decodable {
        var mids: [String]?
        var watermark: Int64?
    }

    struct Read: Decodable { var watermark: Int64? }
}
