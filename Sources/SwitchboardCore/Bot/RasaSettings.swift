/// A tenant's Rasa server (`bot.rasa`). Its token, if the server wants one, is the tenant secret
/// `RASA_TOKEN`.
public struct RasaSettings: Sendable, Hashable, Codable {
    /// The server's base URL, e.g. `http://rasa:5005`; `/model/parse` is appended. Required.
    public var url: String

    public init(url: String) {
        self.url = url
    }
}
