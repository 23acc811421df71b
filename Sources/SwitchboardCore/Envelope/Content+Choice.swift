extension Content {
    /// Text with options the customer chooses from: on the wire
    /// `{"type": "choice", "text": ..., "style": "buttons"|"list", "button"?: ..., "options": [{"id", "title", "description"?}]}`.
    ///
    /// Each channel shows it its own way (WhatsApp reply buttons or a list, Telegram an inline keyboard,
    /// Messenger a button template or quick replies, SMS numbered lines); the option the customer picks comes
    /// back as an ``Content/interactive(_:)`` message whose payload is the option's ``Option/id``.
    public struct Choice: Sendable, Hashable, Codable {
        /// How the options are shown.
        public enum Style: String, Sendable, Hashable, Codable {
            /// A few buttons under the text (WhatsApp: at most 3).
            case buttons
            /// A list opened from one button (WhatsApp: at most 10 rows); quick replies on Messenger.
            case list
        }

        /// One option.
        public struct Option: Sendable, Hashable, Codable {
            /// What comes back when the customer picks it (payload, callback data, row id).
            public var id: String
            /// What the customer sees.
            public var title: String
            /// A second line under the title, where the channel shows one (WhatsApp list rows).
            public var description: String?

            /// Creates an option.
            public init(id: String, title: String, description: String? = nil) {
                self.id = id
                self.title = title
                self.description = description
            }
        }

        /// The message the options belong to.
        public var text: String
        /// The options, in order.
        public var options: [Option]
        /// Buttons (the default) or a list.
        public var style: Style
        /// The label of the button that opens a list (WhatsApp); default ``defaultListButton``.
        public var button: String?

        /// The list button's label when ``button`` is not set.
        public static let defaultListButton = "Options"

        /// Creates a choice.
        public init(text: String, options: [Option], style: Style = .buttons, button: String? = nil) {
            self.text = text
            self.options = options
            self.style = style
            self.button = button
        }

        enum CodingKeys: String, CodingKey {
            case text, options, style, button
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            text = try container.decode(String.self, forKey: .text)
            options = try container.decode([Option].self, forKey: .options)
            style = try container.decodeIfPresent(Style.self, forKey: .style) ?? .buttons
            button = try container.decodeIfPresent(String.self, forKey: .button)
        }

        /// The options as numbered lines under the text, for channels without buttons (SMS):
        /// `"Pick one\n1. Yes\n2. No"`.
        public var numberedText: String {
            ([text] + options.enumerated().map { "\($0.offset + 1). \($0.element.title)" }).joined(separator: "\n")
        }
    }
}

extension Content.Location {
    /// A link that opens the location in a map: Google Maps' documented search URL.
    public var mapsURL: String {
        "https://www.google.com/maps/search/?api=1&query=\(latitude),\(longitude)"
    }

    /// The place name, the address and the map link on separate lines, for channels that cannot show a
    /// location (SMS, Messenger).
    public var plainText: String {
        [name, address, mapsURL].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
