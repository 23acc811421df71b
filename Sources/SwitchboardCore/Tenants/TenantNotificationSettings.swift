/// Who a tenant tells when a hand-over starts or escalates, from the tenants file (`notifications:`).
///
/// ```yaml
/// notifications:
///   desk_url: https://desk.example.com/desk     # put into every notification; default none
///   targets:
///     - type: webhook
///       url: https://hooks.example.com/switchboard
///       secret: NOTIFY_WEBHOOK_SECRET            # the NAME of a tenant secret (this is the default)
///     - type: email
///       host: smtp.example.com
///       port: 587
///       tls: starttls                            # starttls (default) or none
///       from: desk@example.com
///       to: [team-leads@example.com]
///       events: [handover_escalated]             # default both
///     - type: sms
///       to: ["+4915112345678"]                   # from: defaults to the tenant's TWILIO_FROM secret
/// ```
///
/// Secrets are never in this file: a webhook's signing secret, the SMTP user name and password and the
/// Twilio account are tenant secrets (``NotificationTarget``).
public struct TenantNotificationSettings: Sendable, Hashable, Codable {
    /// The desk's address, linked from notifications. Default none.
    public var deskURL: String?
    /// Where notifications go. Default none: the tenant is not notified.
    public var targets: [NotificationTarget]

    /// The most targets a tenant may configure.
    public static let maximumTargets = 20

    public init(deskURL: String? = nil, targets: [NotificationTarget] = []) {
        self.deskURL = deskURL
        self.targets = targets
    }

    /// The targets that want `event`, with their position in the file (it names them in logs and ids).
    public func targets(for event: HandoverNotificationEvent) -> [(index: Int, target: NotificationTarget)] {
        targets.enumerated().filter { $0.element.events.contains(event) }.map { ($0.offset, $0.element) }
    }

    /// Checks what a decoder cannot; errors name the target by its position, never a secret.
    func validate(tenant: String) throws(TenantConfigurationError) {
        guard targets.count <= Self.maximumTargets else {
            throw TenantConfigurationError(
                "tenant '\(tenant)': notifications.targets has more than \(Self.maximumTargets) entries")
        }
        if let deskURL, NotificationTarget.httpURL(deskURL) == nil {
            throw TenantConfigurationError("tenant '\(tenant)': notifications.desk_url must be an http(s) URL")
        }
        for (index, target) in targets.enumerated() {
            if let problem = target.problem {
                throw TenantConfigurationError("tenant '\(tenant)': notifications.targets[\(index)]: \(problem)")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case targets
        case deskURL = "desk_url"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        deskURL = try container.decodeIfPresent(String.self, forKey: .deskURL)
        targets = try container.decodeIfPresent([NotificationTarget].self, forKey: .targets) ?? []
    }
}
