/// A tenant's WhatsApp settings: the templates its replies use outside the customer-service window.
public struct TenantWhatsAppSettings: Sendable, Hashable, Codable {
    /// The tenant's approved templates by purpose.
    public struct Templates: Sendable, Hashable, Codable {
        /// Sent in place of a reply (bot, agent or system) outside the 24-hour customer-service window.
        /// Default none: such a reply is refused and recorded as failed.
        public var reengage: WhatsAppTemplate?

        public init(reengage: WhatsAppTemplate? = nil) {
            self.reengage = reengage
        }
    }

    /// The templates. Default none.
    public var templates: Templates

    public init(templates: Templates = Templates()) {
        self.templates = templates
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        templates = try container.decodeIfPresent(Templates.self, forKey: .templates) ?? Templates()
    }

    func validate(tenant: String) throws(TenantConfigurationError) {
        try templates.reengage?.validate(tenant: tenant, key: "reengage")
    }
}
