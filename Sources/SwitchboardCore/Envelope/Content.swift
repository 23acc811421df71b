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

    /// A media reference.
    public struct Media: Sendable, Hashable, Codable {
        /// Where the media can be fetched (URL or channel media id).
        public var reference: String
        /// MIME type, e.g. `image/jpeg`.
        public var mimeType: String
        /// Optional caption text.
        public var caption: String?
        /// Optional original file name.
        public var fileName: String?

        /// Creates a media reference.
        public init(reference: String, mimeType: String, caption: String? = nil, fileName: String? = nil) {
            self.reference = reference
            self.mimeType = mimeType
            self.caption = caption
            self.fileName = fileName
        }

        enum CodingKeys: String, CodingKey {
            case reference
            case mimeType = "mime_type"
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

        /// Creates an interactive reply.
        public init(payload: String, title: String? = nil) {
            self.payload = payload
            self.title = title
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
            self = .media(try Media(from: decoder))
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
        }
    }
}
