/// Why a conversation was handed to a human. Open set: new reasons are added as constants.
public struct HandoverReason: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire value, snake_case.
    public var rawValue: String

    /// Creates a reason from its wire value.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The customer asked for a person (phrase or NLP intent).
    public static let customerAskedForHuman = HandoverReason(rawValue: "customer_asked_for_human")
    /// The NLP confidence was below the tenant's threshold.
    public static let lowConfidence = HandoverReason(rawValue: "low_confidence")
    /// The bot understood the intent but has no response template for it.
    public static let noResponse = HandoverReason(rawValue: "no_response")
    /// The message has no text the bot can understand (media, location, contact).
    public static let unsupportedContent = HandoverReason(rawValue: "unsupported_content")

    public var description: String { rawValue }
}
