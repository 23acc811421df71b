import SwitchboardCore

/// One Cloud API `messages` request body: `type` names the one object it carries (`text`, `image`,
/// `document`, `audio`, `video`, `location`, `interactive`). Absent objects are left out.
struct WhatsAppOutboundMessage: Encodable, Sendable {
    struct Text: Encodable, Sendable {
        var preview_url: Bool
        var body: String
    }

    /// A media object: `link` (a URL) or `id` (uploaded through the Cloud API). Audio takes no caption.
    struct Media: Encodable, Sendable {
        var link: String?
        var id: String?
        var caption: String?
        var filename: String?
    }

    struct Location: Encodable, Sendable {
        var latitude: Double
        var longitude: Double
        var name: String?
        var address: String?
    }

    /// `type: button` (reply buttons) or `type: list` (rows in one section, opened by `action.button`).
    struct Interactive: Encodable, Sendable {
        struct Body: Encodable, Sendable { var text: String }
        struct Reply: Encodable, Sendable {
            var id: String
            var title: String
        }
        struct Button: Encodable, Sendable {
            var type = "reply"
            var reply: Reply
        }
        struct Row: Encodable, Sendable {
            var id: String
            var title: String
            var description: String?
        }
        struct Section: Encodable, Sendable { var rows: [Row] }
        struct Action: Encodable, Sendable {
            var buttons: [Button]?
            var button: String?
            var sections: [Section]?
        }
        var type: String
        var body: Body
        var action: Action
    }

    var messaging_product = "whatsapp"
    var recipient_type = "individual"
    var to: String
    var type: String
    var text: Text?
    var image: Media?
    var document: Media?
    var audio: Media?
    var video: Media?
    var location: Location?
    var interactive: Interactive?

    init(to: String, type: String) {
        self.to = to
        self.type = type
    }

    /// A text message.
    static func text(_ body: String, to: String) -> WhatsAppOutboundMessage {
        var message = WhatsAppOutboundMessage(to: to, type: "text")
        message.text = Text(preview_url: body.contains("https://"), body: body)
        return message
    }

    /// The requests that send `content` to `to`, in order; text over WhatsApp's limit goes in parts, and an
    /// audio's caption (audio takes none) follows it as text. Empty for content WhatsApp cannot carry.
    static func messages(for content: Content, to: String) -> [WhatsAppOutboundMessage] {
        switch content {
        case .text, .interactive:
            guard let text = content.textForUnderstanding, !text.isEmpty else { return [] }
            return TextSplitter.whatsApp.split(text).map { .text($0, to: to) }
        case .media(let media):
            let kind = media.resolvedKind
            var message = WhatsAppOutboundMessage(to: to, type: kind.rawValue)
            var object = media.isURL ? Media(link: media.reference) : Media(id: media.reference)
            if kind != .audio { object.caption = media.caption }
            if kind == .document { object.filename = media.fileName }
            switch kind {
            case .image: message.image = object
            case .document: message.document = object
            case .audio: message.audio = object
            case .video: message.video = object
            }
            if kind == .audio, let caption = media.caption, !caption.isEmpty {
                return [message] + TextSplitter.whatsApp.split(caption).map { .text($0, to: to) }
            }
            return [message]
        case .location(let location):
            var message = WhatsAppOutboundMessage(to: to, type: "location")
            message.location = Location(
                latitude: location.latitude, longitude: location.longitude, name: location.name,
                address: location.address)
            return [message]
        case .choice(let choice):
            var message = WhatsAppOutboundMessage(to: to, type: "interactive")
            switch choice.style {
            case .buttons:
                message.interactive = Interactive(
                    type: "button", body: .init(text: choice.text),
                    action: .init(buttons: choice.options.map { .init(reply: .init(id: $0.id, title: $0.title)) }))
            case .list:
                let rows = choice.options.map {
                    Interactive.Row(id: $0.id, title: $0.title, description: $0.description)
                }
                message.interactive = Interactive(
                    type: "list", body: .init(text: choice.text),
                    action: .init(
                        button: choice.button ?? Content.Choice.defaultListButton, sections: [.init(rows: rows)]))
            }
            return [message]
        case .contact:
            return []
        }
    }
}
