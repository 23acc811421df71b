/// What the bot does for an intent besides a template: an HTTPS call to the business's system
/// (`bot.actions.<intent>`), signed with the tenant secret `ACTION_SECRET`.
///
/// ```yaml
/// actions:
///   order_status:
///     url: https://shop.example/switchboard/order-status
///     reply: "Your order {order_id} is {status}."
/// ```
public struct IntentActionSettings: Sendable, Hashable, Codable {
    /// Where the action is sent (`POST`, JSON). Required unless ``topic`` is set.
    public var url: String?
    /// The reply: `{name}` is filled from the action's answer (`data`), then from the message's entities.
    /// Default: the answer's own `reply`.
    public var reply: String?
    /// Per-attempt timeout in milliseconds. Default 3000.
    public var timeoutMilliseconds: Int
    /// Attempts after the first on timeouts, 429 and 5xx. Default 2.
    public var retries: Int
    /// Also (or, without ``url``, only) publish the action to the `actions` topic for the business's own
    /// consumers, as an `intent_action` event. Without a ``url`` the reply is ``reply`` filled from the
    /// message's entities (or the form's slots). Default false.
    public var topic: Bool

    public init(
        url: String? = nil, reply: String? = nil, timeoutMilliseconds: Int = 3000, retries: Int = 2,
        topic: Bool = false
    ) {
        self.url = url
        self.reply = reply
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retries = retries
        self.topic = topic
    }

    func validate(tenant: String, name: String) throws(TenantConfigurationError) {
        let prefix = "tenant '\(tenant)': bot.actions.\(name)"
        guard url != nil || topic else {
            throw TenantConfigurationError("\(prefix) needs a url, or topic: true")
        }
        guard url != nil || reply != nil else {
            throw TenantConfigurationError("\(prefix): an action on the actions topic alone needs a reply")
        }
        if let url {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw TenantConfigurationError("\(prefix).url must be an http(s) URL")
            }
        }
        guard (1...60_000).contains(timeoutMilliseconds) else {
            throw TenantConfigurationError("\(prefix).timeout_ms must be 1 to 60000")
        }
        guard (0...5).contains(retries) else { throw TenantConfigurationError("\(prefix).retries must be 0 to 5") }
    }

    enum CodingKeys: String, CodingKey {
        case url, reply, retries, topic
        case timeoutMilliseconds = "timeout_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        reply = try c.decodeIfPresent(String.self, forKey: .reply)
        timeoutMilliseconds = try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? 3000
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? 2
        topic = try c.decodeIfPresent(Bool.self, forKey: .topic) ?? false
    }
}
