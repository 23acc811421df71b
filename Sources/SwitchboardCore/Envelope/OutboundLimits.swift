/// What a channel's vendor accepts in a rich reply: counts and lengths past which the vendor refuses the
/// message. Lengths count user-perceived characters unless the field says otherwise.
public struct OutboundLimits: Sendable, Hashable {
    /// Options of a ``Content/Choice`` shown as buttons (WhatsApp reply buttons, Messenger button template).
    public var maxButtons: Int
    /// Options of a ``Content/Choice`` shown as a list (WhatsApp list rows, Messenger quick replies).
    public var maxListRows: Int
    /// A button's title.
    public var maxButtonTitle: Int
    /// A list row's title.
    public var maxRowTitle: Int
    /// A list row's description.
    public var maxRowDescription: Int
    /// An option's id, in UTF-8 bytes (Telegram's `callback_data` is 1 to 64 bytes).
    public var maxOptionIdBytes: Int
    /// The text of a choice shown as buttons.
    public var maxButtonsText: Int
    /// The text of a choice shown as a list.
    public var maxListText: Int
    /// The label of the button that opens a list.
    public var maxListButton: Int
    /// A media caption, in UTF-16 code units (Telegram counts so; WhatsApp's 1024 characters are never fewer).
    public var maxCaptionUTF16: Int
    /// Whether a media ``Content/Media/reference`` may be the vendor's media id rather than a URL.
    public var acceptsMediaIds: Bool

    /// The most options any channel takes in one choice.
    public static let maxOptions = 10

    /// The limits of `channel`'s vendor (WhatsApp: Meta's Cloud API, which also holds for WhatsApp through
    /// Twilio, where choices become text).
    public static func of(_ channel: Channel) -> OutboundLimits {
        switch channel {
        case .whatsapp:
            OutboundLimits(
                maxButtons: 3, maxListRows: 10, maxButtonTitle: 20, maxRowTitle: 24, maxRowDescription: 72,
                maxOptionIdBytes: 200, maxButtonsText: 1024, maxListText: 4096, maxListButton: 20,
                maxCaptionUTF16: 1024, acceptsMediaIds: true)
        case .messenger:
            // Buttons are a button template (3 postback buttons, text up to 640), a list is quick replies (13).
            OutboundLimits(
                maxButtons: 3, maxListRows: maxOptions, maxButtonTitle: 20, maxRowTitle: 20, maxRowDescription: 0,
                maxOptionIdBytes: 1000, maxButtonsText: 640, maxListText: 2000, maxListButton: 20,
                maxCaptionUTF16: 2000, acceptsMediaIds: true)
        case .telegram:
            OutboundLimits(
                maxButtons: maxOptions, maxListRows: maxOptions, maxButtonTitle: 64, maxRowTitle: 64,
                maxRowDescription: 0, maxOptionIdBytes: 64, maxButtonsText: 4096, maxListText: 4096,
                maxListButton: 64, maxCaptionUTF16: 1024, acceptsMediaIds: true)
        case .sms, .webchat:
            // Choices become numbered lines (SMS) or the web client's own buttons; media must be a URL.
            OutboundLimits(
                maxButtons: maxOptions, maxListRows: maxOptions, maxButtonTitle: 64, maxRowTitle: 64,
                maxRowDescription: 200, maxOptionIdBytes: 200, maxButtonsText: 1600, maxListText: 1600,
                maxListButton: 64, maxCaptionUTF16: 1600, acceptsMediaIds: false)
        }
    }
}

extension Content {
    /// Why this content cannot be sent as a reply on `channel`, or nil when it can. The reason names the field
    /// and the vendor's limit and never quotes the content.
    public func outboundProblem(on channel: Channel) -> String? {
        let limits = OutboundLimits.of(channel)
        switch self {
        case .text(let text):
            return text.isBlank ? "text is empty" : nil
        case .interactive(let reply):
            return (reply.title ?? reply.payload).isEmpty ? "interactive reply has no title" : nil
        case .contact:
            return "contact cards cannot be sent as replies"
        case .media(let media):
            return media.outboundProblem(on: channel, limits: limits)
        case .location(let location):
            guard location.latitude.isFinite, (-90...90).contains(location.latitude) else {
                return "latitude is out of range (-90 to 90)"
            }
            guard location.longitude.isFinite, (-180...180).contains(location.longitude) else {
                return "longitude is out of range (-180 to 180)"
            }
            return nil
        case .choice(let choice):
            return choice.outboundProblem(on: channel, limits: limits)
        }
    }
}

extension Content.Media {
    fileprivate func outboundProblem(on channel: Channel, limits: OutboundLimits) -> String? {
        if reference.isBlank { return "media reference is empty" }
        if !isURL {
            if reference.contains("://") { return "media URL must be http or https" }
            if !limits.acceptsMediaIds { return "media on \(channel.rawValue) needs an https URL" }
        }
        if let caption, caption.utf16.count > limits.maxCaptionUTF16 {
            return "caption is longer than \(limits.maxCaptionUTF16) characters on \(channel.rawValue)"
        }
        return nil
    }
}

extension Content.Choice {
    fileprivate func outboundProblem(on channel: Channel, limits: OutboundLimits) -> String? {
        let name = channel.rawValue
        if text.isBlank { return "choice text is empty" }
        if options.isEmpty { return "choice has no options" }
        let isList = style == .list
        let maxOptions = min(isList ? limits.maxListRows : limits.maxButtons, OutboundLimits.maxOptions)
        if options.count > maxOptions {
            return "\(name) takes at most \(maxOptions) options as \(style.rawValue)"
        }
        let maxText = isList ? limits.maxListText : limits.maxButtonsText
        if text.count > maxText { return "choice text is longer than \(maxText) characters on \(name)" }
        if isList, let button, button.isBlank || button.count > limits.maxListButton {
            return "list button must be 1 to \(limits.maxListButton) characters on \(name)"
        }
        var ids = Set<String>()
        let maxTitle = isList ? limits.maxRowTitle : limits.maxButtonTitle
        for (index, option) in options.enumerated() {
            let label = "option \(index + 1)"
            if option.id.isEmpty || option.id.utf8.count > limits.maxOptionIdBytes {
                return "\(label): id must be 1 to \(limits.maxOptionIdBytes) bytes on \(name)"
            }
            if !ids.insert(option.id).inserted { return "\(label): id is used by another option" }
            if option.title.isBlank || option.title.count > maxTitle {
                return "\(label): title must be 1 to \(maxTitle) characters on \(name)"
            }
            if let description = option.description, isList, limits.maxRowDescription > 0,
                description.count > limits.maxRowDescription
            {
                return "\(label): description is longer than \(limits.maxRowDescription) characters on \(name)"
            }
        }
        return nil
    }
}

extension String {
    /// Whether the string is empty or whitespace only.
    fileprivate var isBlank: Bool { allSatisfy(\.isWhitespace) }
}
