import SwitchboardCore

/// The `message` of one Send API request: text (with quick replies) or an attachment (media, a button
/// template). Absent fields are left out.
struct MessengerOutboundMessage: Encodable, Sendable {
    struct Attachment: Encodable, Sendable {
        /// `image`, `video`, `audio`, `file` or `template`.
        var type: String
        var payload: Payload
    }

    /// Media: `url` or `attachment_id` (uploaded through the Attachment Upload API). A button template:
    /// `template_type: button`, `text` and `buttons`.
    struct Payload: Encodable, Sendable {
        var url: String?
        var attachment_id: String?
        var template_type: String?
        var text: String?
        var buttons: [Button]?
    }

    struct Button: Encodable, Sendable {
        var type = "postback"
        var title: String
        var payload: String
    }

    struct QuickReply: Encodable, Sendable {
        var content_type = "text"
        var title: String
        var payload: String
    }

    var text: String?
    var attachment: Attachment?
    var quick_replies: [QuickReply]?

    /// The messages that send `content`, in order; empty for content Messenger cannot carry.
    ///
    /// Text goes in parts of 2000 characters. Media is an attachment, its caption (attachments have none) a
    /// text message after it. Messenger sends no locations: a location goes as its name, address and a map
    /// link. A choice with buttons is a button template of postback buttons, a list is text with quick
    /// replies; either way the option id comes back as the postback or quick reply payload.
    static func messages(for content: Content) -> [MessengerOutboundMessage] {
        switch content {
        case .text, .interactive:
            guard let text = content.textForUnderstanding, !text.isEmpty else { return [] }
            return texts(text)
        case .location(let location):
            return texts(location.plainText)
        case .media(let media):
            let type =
                switch media.resolvedKind {
                case .image: "image"
                case .video: "video"
                case .audio: "audio"
                case .document: "file"
                }
            let payload = media.isURL ? Payload(url: media.reference) : Payload(attachment_id: media.reference)
            let attachment = MessengerOutboundMessage(attachment: Attachment(type: type, payload: payload))
            return [attachment] + texts(media.caption ?? "")
        case .choice(let choice):
            switch choice.style {
            case .buttons:
                let buttons = choice.options.map { Button(title: $0.title, payload: $0.id) }
                return [
                    MessengerOutboundMessage(
                        attachment: Attachment(
                            type: "template",
                            payload: Payload(template_type: "button", text: choice.text, buttons: buttons)))
                ]
            case .list:
                return [
                    MessengerOutboundMessage(
                        text: choice.text,
                        quick_replies: choice.options.map { QuickReply(title: $0.title, payload: $0.id) })
                ]
            }
        case .contact:
            return []
        }
    }

    private static func texts(_ text: String) -> [MessengerOutboundMessage] {
        text.isEmpty ? [] : TextSplitter.messenger.split(text).map { MessengerOutboundMessage(text: $0) }
    }
}
