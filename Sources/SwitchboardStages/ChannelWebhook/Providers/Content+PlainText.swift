import SwitchboardCore

extension Content {
    /// The text a reply is sent as on channels that carry plain text only (SMS), and the fallback of the
    /// others: a media reply becomes its caption and link, a location its name, address and a map link, a
    /// choice its text with numbered options. Nil for content such a message cannot carry.
    var plainText: String? {
        switch self {
        case .text(let text): text
        case .media(let media): [media.caption, media.reference].compactMap { $0 }.joined(separator: "\n")
        case .interactive(let reply): reply.title ?? reply.payload
        case .location(let location): location.plainText
        case .choice(let choice): choice.numberedText
        case .contact: nil
        }
    }
}
