import SwitchboardCore

extension Content {
    /// The text a reply is sent as on channels that carry plain text only (Telegram, SMS): a media reply
    /// becomes its caption and link. Nil for content such a message cannot carry.
    var plainText: String? {
        switch self {
        case .text(let text): text
        case .media(let media): [media.caption, media.reference].compactMap { $0 }.joined(separator: "\n")
        case .interactive(let reply): reply.title ?? reply.payload
        case .location, .contact: nil
        }
    }
}
