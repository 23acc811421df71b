/// A tenant's web chat settings, from the tenants file (`webchat:`).
public struct WebChatSettings: Sendable, Hashable, Codable {
    /// How the Rasa REST endpoint (`POST /webhooks/rest/webhook`) treats visitors.
    public enum RasaRestMode: String, Sendable, Hashable, Codable {
        /// The endpoint answers 403: the native API, with its visitor tokens, is the only way in. The default.
        case off
        /// The endpoint takes the visitor's `sender` as given, as Rasa's own REST channel does. Rasa REST
        /// clients cannot carry a visitor token, so anyone with the tenant's web chat key can write as any
        /// sender there; turn it on only for clients that need Rasa's protocol. Conversations it opens are
        /// the sender's own and are not readable through the native history or streams without a token.
        case open
    }

    /// `rasa_rest`: `off` (default) or `open`.
    public var rasaRest: RasaRestMode

    public init(rasaRest: RasaRestMode = .off) {
        self.rasaRest = rasaRest
    }

    enum CodingKeys: String, CodingKey {
        case rasaRest = "rasa_rest"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rasaRest = try container.decodeIfPresent(RasaRestMode.self, forKey: .rasaRest) ?? .off
    }
}
