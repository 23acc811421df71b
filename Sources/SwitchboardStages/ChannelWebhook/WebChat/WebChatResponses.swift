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

        init(_ envelope: Envelope) {
            id = envelope.id.uuidString.lowercased()
            text = WebChatResponses.text(of: envelope)
            (sender, agent_id) = WebChatResponses.sender(of: envelope)
        }
    }

    /// One element of a Rasa REST channel answer: `{"recipient_id": "...", "text": "..."}`.
    struct RasaReply: Encodable {
        var recipient_id: String
        var text: String

        init(recipient_id: String, reply: Envelope) {
            self.recipient_id = recipient_id
            text = WebChatResponses.text(of: reply)
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
    }

    static func text(of envelope: Envelope) -> String {
        switch envelope.content {
        case .text(let text): text
        case .media(let media): media.caption ?? media.reference
        case let content?: content.textForUnderstanding ?? ""
        case nil: ""
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
