/// The content of a message. On the wire an object with a `type` discriminator.
public enum Content: Sendable, Hashable, Codable {
    /// Plain text.
    case text(String)
    /// A reference to media stored elsewhere (the channel's URL or media id), with its MIME type.
    case media(Media)
    /// A shared location.
    case location(Location)
    /// A button/quick-reply/postback the customer chose.
    case interactive(InteractiveReply)
    /// A shared contact card.
    case contact(Contact)
    /// Text with options to choose from (reply buttons, quick replies, a list); what the customer picks comes
    /// back as ``interactive(_:)`` with the option's id as its payload. Outbound only.
    case choice(Choice)

    /// A media reference.
    public struct Media: Sendable, Hashable, Codable {
        /// What a vendor shows media as.
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            case image, document, audio, video
        }

        /// Where the media can be fetched: an `https` URL, or a media id the channel's vendor issued.
        public var reference: String
        /// MIME type, e.g. `image/jpeg`. Inbound media always has one; an outbound reply may name a
        /// ``kind`` instead.
        public var mimeType: String?
        /// How the media is to be shown; when absent, taken from ``mimeType`` (see ``resolvedKind``).
        public var kind: Kind?
        /// Optional caption text.
        public var caption: String?
        /// Optional original file name.
        public var fileName: String?

        /// Creates a media reference.
        public init(
            reference: String, mimeType: String? = nil, kind: Kind? = nil, caption: String? = nil,
            fileName: String? = nil
        ) {
            self.reference = reference
            self.mimeType = mimeType
            self.kind = kind
            self.caption = caption
            self.fileName = fileName
        }

        /// ``kind`` if set, else from the MIME type's top-level type (`image/`, `audio/`, `video/`), else a
        /// document.
        public var resolvedKind: Kind {
            if let kind { return kind }
            let type = mimeType?.lowercased() ?? ""
            if type.hasPrefix("image/") { return .image }
            if type.hasPrefix("audio/") { return .audio }
            if type.hasPrefix("video/") { return .video }
            return .document
        }

        /// Whether ``reference`` is a web URL (`http` or `https`) rather than a vendor's media id.
        public var isURL: Bool {
            let lowered = reference.lowercased()
            return lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
        }

        enum CodingKeys: String, CodingKey {
            case reference
            case mimeType = "mime_type"
            case kind
            case caption
            case fileName = "file_name"
        }
    }

    /// A geographic location.
    public struct Location: Sendable, Hashable, Codable {
        /// Latitude in degrees, -90...90.
        public var latitude: Double
        /// Longitude in degrees, -180...180.
        public var longitude: Double
        /// Optional place name.
        public var name: String?
        /// Optional address.
        public var address: String?

        /// Creates a location.
        public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil) {
            self.latitude = latitude
            self.longitude = longitude
            self.name = name
            self.address = address
        }
    }

    /// A reply to an interactive element (button, list item, postback).
    public struct InteractiveReply: Sendable, Hashable, Codable {
        /// The machine-readable payload/id of the chosen element.
        public var payload: String
        /// The title the customer saw, if the channel reports it.
        public var title: String?
        /// The second line under the title (a WhatsApp list row's description), if the channel reports it.
        public var description: String?

        /// Creates an interactive reply.
        public init(payload: String, title: String? = nil, description: String? = nil) {
            self.payload = payload
            self.title = title
            self.description = description
        }
    }

    /// A contact card.
    public struct Contact: Sendable, Hashable, Codable {
        /// Display name on the card.
        public var name: String
        /// Phone numbers on the card.
        public var phones: [String]
        /// Email addresses on the card.
        public var emails: [String]

        /// Creates a contact card.
        public init(name: String, phones: [String] = [], emails: [String] = []) {
            self.name = name
            self.phones = phones
            self.emails = emails
        }
    }

    /// The text a classifier or router can look at: the text, a caption, or an interactive title/payload.
    public var textForUnderstanding: String? {
        switch self {
        case .text(let text): text
        case .media(let media): media.caption
        case .interactive(let reply): reply.title ?? reply.payload
        case .choice(let choice): choice.text
        case .location, .contact: nil
        }
    }

    private enum TypeKey: String, CodingKey {
        case type
        case text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text":
            self = .text(try container.decode(String.self, forKey: .text))
        case "media":
            let media = try Media(from: decoder)
            guard media.mimeType != nil || media.kind != nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: .type, in: container, debugDescription: "media needs a mime_type or a kind")
            }
            self = .media(media)
        case "location":
            let location = try Location(from: decoder)
            guard (-90...90).contains(location.latitude), (-180...180).contains(location.longitude) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .type, in: container, debugDescription: "location coordinates out of range")
            }
            self = .location(location)
        case "interactive":
            self = .interactive(try InteractiveReply(from: decoder))
        case "contact":
            self = .contact(try Contact(from: decoder))
        case "choice":
            self = .choice(try Choice(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown content type '\(type)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .media(let media):
            try container.encode("media", forKey: .type)
            try media.encode(to: encoder)
        case .location(let location):
            try container.encode("location", forKey: .type)
            try location.encode(to: encoder)
        case .interactive(let reply):
            try container.encode("interactive", forKey: .type)
            try reply.encode(to: encoder)
        case .contact(let contact):
            try container.encode("contact", forKey: .type)
            try contact.encode(to: encoder)
        case .choice(let choice):
            try container.encode("choice", forKey: .type)
            try choice.encode(to: encoder)
        }
    }
}
