/// One variant of a bot response, as a Rasa `responses:` item has it: text, and optionally `buttons`
/// (`[{title, payload}]`) and an `image` URL.
///
/// Text only, it is sent as text, exactly as before rich responses existed. With buttons it becomes a
/// ``Content/Choice`` (option id = payload); with an image, an image message with the text as its caption;
/// with both, the image and then the choice (see ``contents(on:)``).
public struct BotResponse: Sendable, Hashable, Codable {
    /// A button: what the customer sees and what comes back when they tap it.
    public struct Button: Sendable, Hashable, Codable {
        /// What the customer sees.
        public var title: String
        /// What comes back (the option's id), e.g. `/affirm` or `/order_status{"order_id": "AB123456"}`.
        public var payload: String

        /// Creates a button.
        public init(title: String, payload: String) {
            self.title = title
            self.payload = payload
        }
    }

    /// The text; may be empty for an image alone.
    public var text: String
    /// Buttons under the text, in order; empty for none.
    public var buttons: [Button]
    /// An image's `http(s)` URL, or nil.
    public var image: String?

    /// Creates a response variant.
    public init(text: String, buttons: [Button] = [], image: String? = nil) {
        self.text = text
        self.buttons = buttons
        self.image = image
    }

    /// Whether the variant is more than text.
    public var isRich: Bool { !buttons.isEmpty || image != nil }

    /// The messages the variant is sent as on `channel`, in order: text; a choice (buttons, or a list when
    /// the channel takes fewer buttons or shorter button titles than these, see ``OutboundLimits``); an image
    /// with the text as its caption; or the image without a caption and then the choice.
    public func contents(on channel: Channel) -> [Content] {
        let picture = image.map { Content.Media(reference: $0, kind: .image) }
        guard !buttons.isEmpty else {
            guard var picture else { return [.text(text)] }
            if !text.isEmpty { picture.caption = text }
            return [.media(picture)]
        }
        let limits = OutboundLimits.of(channel)
        let fitsButtons =
            buttons.count <= limits.maxButtons && buttons.allSatisfy { $0.title.count <= limits.maxButtonTitle }
        let choice = Content.Choice(
            text: text, options: buttons.map { Content.Choice.Option(id: $0.payload, title: $0.title) },
            style: fitsButtons ? .buttons : .list)
        return (picture.map { [Content.media($0)] } ?? []) + [.choice(choice)]
    }

    /// Why `buttons` and `image` cannot be sent, or nil when they can: a button without a title or payload,
    /// two buttons with one payload, more buttons than any channel takes, an image that is not an `http(s)`
    /// URL. Buttons need text to go with them. The reason never quotes the content.
    public static func problem(text: String, buttons: [Button], image: String?) -> String? {
        for (index, button) in buttons.enumerated() {
            if button.title.allSatisfy(\.isWhitespace) { return "button \(index + 1) has no title" }
            if button.payload.isEmpty { return "button \(index + 1) has no payload" }
        }
        if Set(buttons.map(\.payload)).count != buttons.count { return "two buttons have the same payload" }
        if buttons.count > OutboundLimits.maxOptions {
            return "more than \(OutboundLimits.maxOptions) buttons"
        }
        if !buttons.isEmpty, text.allSatisfy(\.isWhitespace) { return "buttons need a text" }
        if let image {
            let lowered = image.lowercased()
            guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
                return "image is not an http(s) URL"
            }
        }
        return nil
    }
}
