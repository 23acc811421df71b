import SwitchboardCore

/// Bodies of the web chat API. Optional fields are omitted when absent.
enum WebChatResponses {
    /// `POST /api/v1/messages`: 200 with `reply`, 202 without.
    struct Posted: Encodable {
        var conversation_id: String
        var message_id: String
        /// The conversation's visitor token: history, streams and further messages need it.
        var visitor_token: String
        var reply: Reply?
    }

    struct Reply: Encodable {
        var id: String
        var text: String
        var sender: String
        var agent_id: String?
        /// Media, a location or a choice, as in the envelope (``WebChatResponses/richContent(of:)``).
        var content: Content?

        init(_ envelope: Envelope) {
            id = envelope.id.uuidString.lowercased()
            text = WebChatResponses.text(of: envelope)
            (sender, agent_id) = WebChatResponses.sender(of: envelope)
            content = WebChatResponses.richContent(of: envelope)
        }
    }

    /// One element of a Rasa REST channel answer: `{"recipient_id": "...", "text": "..."}`, with `image` (an
    /// image's URL) and `buttons` (`[{"title", "payload"}]`, a choice's options) as Rasa's REST channel sends
    /// them.
    struct RasaReply: Encodable {
        struct Button: Encodable {
            var title: String
            var payload: String
        }
        var recipient_id: String
        /// Absent for an image without a caption, as Rasa sends it (`{"image": ...}`).
        var text: String?
        var image: String?
        var buttons: [Button]?

        init(recipient_id: String, reply: Envelope) {
            self.recipient_id = recipient_id
            text = WebChatResponses.text(of: reply)
            switch reply.content {
            case .media(let media) where media.resolvedKind == .image:
                image = media.reference
                text = media.caption.flatMap { $0.isEmpty ? nil : $0 }
            case .choice(let choice):
                text = choice.text
                buttons = choice.options.map { Button(title: $0.title, payload: $0.id) }
            default: break
            }
        }
    }

    /// `GET /api/v1/user/{user_id}/messages/{conversation_id}`: a page, newest last.
    struct History: Encodable {
        var conversation_id: String
        var messages: [Message]
        /// When older messages exist: the `before` that fetches the page before this one.
        var older: String?
    }

    struct Message: Encodable {
        var id: String
        var direction: String
        var sender: String
        var agent_id: String?
        var text: String
        var sequence: Int64?
        var created_at: String
        /// Media, a location or a choice, as in the envelope (``WebChatResponses/richContent(of:)``).
        var content: Content?
    }

    /// The text of a message: the text, a caption (else the media's URL), a location's name, address and map
    /// link, a choice's text with its options numbered, for clients that show text only.
    static func text(of envelope: Envelope) -> String {
        switch envelope.content {
        case .text(let text): text
        case .media(let media): media.caption ?? media.reference
        case .location(let location): location.plainText
        case .choice(let choice): choice.numberedText
        case let content?: content.textForUnderstanding ?? ""
        case nil: ""
        }
    }

    /// The content of a reply that is more than text (media, a location, a choice), in the envelope's shape
    /// (`{"type": "media", ...}`), for clients that show it; nil for text, which `text` carries whole.
    static func richContent(of envelope: Envelope) -> Content? {
        guard envelope.direction == .outbound else { return nil }
        switch envelope.content {
        case .media, .location, .choice: return envelope.content
        default: return nil
        }
    }

    /// `customer` for inbound messages, else the sender type, with the agent id for agents.
    static func sender(of envelope: Envelope) -> (String, String?) {
        guard envelope.direction == .outbound else { return ("customer", nil) }
        switch envelope.sender {
        case .agent(let id): return ("agent", id)
        case .system: return ("system", nil)
        case .bot, nil: return ("bot", nil)
        }
    }
}
