extension Content {
    /// The content's `type` on the wire: `text`, `media`, `location`, `interactive`, `contact` or `choice`.
    public var typeName: String {
        switch self {
        case .text: "text"
        case .media: "media"
        case .location: "location"
        case .interactive: "interactive"
        case .contact: "contact"
        case .choice: "choice"
        }
    }
}
