import Foundation
import SwitchboardCore
import SwitchboardStages

/// The body a vendor posts for one inbound text message, in the vendor's own shape (modelled on the payloads
/// in the shared channel fixtures), byte for byte as the vendor writes it.
enum VendorWebhookBody {
    /// The business side of the conversation: the number or page the customer writes to.
    struct Business {
        var id: String
        var address: String
    }

    /// WhatsApp Cloud API: `entry[].changes[].value` with `contacts` and `messages`; `from` and `wa_id` are the
    /// digits of the number, without `+`.
    static func whatsApp(
        waId: String, name: String, wamid: String, text: String, business: Business, at date: Date
    ) -> [UInt8] {
        let message = WhatsApp.Message(
            from: waId, id: wamid, timestamp: String(Int(date.timeIntervalSince1970)), text: .init(body: text))
        let value = WhatsApp.Value(
            metadata: .init(display_phone_number: business.address, phone_number_id: business.id),
            contacts: [.init(profile: .init(name: name), wa_id: waId)], messages: [message])
        let body = WhatsApp(entry: [.init(id: business.id, changes: [.init(value: value)])])
        return metaJSON(body)
    }

    /// Messenger Platform: `entry[].messaging[]` with `sender` (the customer's page-scoped id), `recipient`
    /// (the page) and `message`; timestamps in milliseconds.
    static func messenger(psid: String, mid: String, text: String, pageId: String, at date: Date) -> [UInt8] {
        let milliseconds = Int64(date.timeIntervalSince1970 * 1000)
        let event = Messenger.Event(
            sender: .init(id: psid), recipient: .init(id: pageId), timestamp: milliseconds,
            message: .init(mid: mid, text: text))
        return metaJSON(Messenger(entry: [.init(id: pageId, time: milliseconds, messaging: [event])]))
    }

    /// Telegram Bot API: an `Update` with `update_id` and a private-chat `message` (`from`, `chat`, `text`).
    static func telegram(
        chatId: Int64, name: String, updateId: Int64, messageId: Int64, text: String, at date: Date
    ) -> [UInt8] {
        let message = Telegram.Message(
            message_id: messageId, from: .init(id: chatId, is_bot: false, first_name: name),
            chat: .init(id: chatId, first_name: name, type: "private"), date: Int64(date.timeIntervalSince1970),
            text: text)
        let encoder = SwitchboardJSON.makeEncoder()
        return Array((try? encoder.encode(Telegram(update_id: updateId, message: message))) ?? Data())
    }

    /// Twilio Programmable Messaging's inbound message parameters, in the order Twilio sends them. For
    /// WhatsApp through Twilio the addresses carry `whatsapp:` and Twilio adds `ProfileName` and `WaId`.
    static func twilioPairs(
        sid: String, accountSid: String, from: String, to: String, text: String, profileName: String?
    ) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = [("SmsMessageSid", sid), ("NumMedia", "0")]
        if let profileName { pairs.append(("ProfileName", profileName)) }
        pairs += [
            ("SmsSid", sid), ("SmsStatus", "received"), ("Body", text), ("To", to), ("NumSegments", "1"),
            ("MessageSid", sid), ("AccountSid", accountSid), ("From", from), ("ApiVersion", "2010-04-01"),
        ]
        if from.hasPrefix("whatsapp:") {
            let number = from.dropFirst("whatsapp:".count)
            pairs.insert(("WaId", String(number.hasPrefix("+") ? number.dropFirst() : number)), at: pairs.count - 1)
        }
        return pairs
    }

    /// The form body of `pairs`: percent-encoded as ``TwilioForm`` does, with spaces as `+` as Twilio writes them.
    static func twilioForm(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        let encoded = String(decoding: TwilioForm.encode(pairs), as: UTF8.self)
        return Array(encoded.replacingOccurrences(of: "%20", with: "+").utf8)
    }

    /// JSON as Meta sends it: `/` escaped and every non-ASCII character as a `\uXXXX` escape (UTF-16, so
    /// emoji become surrogate pairs), which is why verifiers must never re-encode a body before checking it.
    static func metaJSON(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(value)) ?? Data()
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        for scalar in String(decoding: json, as: UTF8.self).unicodeScalars {
            if scalar.isASCII {
                out.append(UInt8(scalar.value))
            } else {
                for unit in String(scalar).utf16 {
                    out += Array("\\u".utf8) + Array(String(unit, radix: 16).leftPadded(to: 4).utf8)
                }
            }
        }
        return out
    }

    struct WhatsApp: Encodable {
        var object = "whatsapp_business_account"
        var entry: [Entry]

        struct Entry: Encodable {
            var id: String
            var changes: [Change]
        }
        struct Change: Encodable {
            var value: Value
            var field = "messages"
        }
        struct Value: Encodable {
            var messaging_product = "whatsapp"
            var metadata: Metadata
            var contacts: [Contact]
            var messages: [Message]
        }
        struct Metadata: Encodable {
            var display_phone_number: String
            var phone_number_id: String
        }
        struct Contact: Encodable {
            struct Profile: Encodable { var name: String }
            var profile: Profile
            var wa_id: String
        }
        struct Message: Encodable {
            struct Text: Encodable { var body: String }
            var from: String
            var id: String
            var timestamp: String
            var type = "text"
            var text: Text
        }
    }

    struct Messenger: Encodable {
        var object = "page"
        var entry: [Entry]

        struct Entry: Encodable {
            var id: String
            var time: Int64
            var messaging: [Event]
        }
        struct Party: Encodable { var id: String }
        struct Event: Encodable {
            var sender: Party
            var recipient: Party
            var timestamp: Int64
            var message: Message
        }
        struct Message: Encodable {
            var mid: String
            var text: String
        }
    }

    struct Telegram: Encodable {
        var update_id: Int64
        var message: Message

        struct User: Encodable {
            var id: Int64
            var is_bot: Bool
            var first_name: String
        }
        struct Chat: Encodable {
            var id: Int64
            var first_name: String
            var type: String
        }
        struct Message: Encodable {
            var message_id: Int64
            var from: User
            var chat: Chat
            var date: Int64
            var text: String
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
