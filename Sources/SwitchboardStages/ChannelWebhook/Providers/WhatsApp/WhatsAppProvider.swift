import Foundation

/// Who carries a tenant's WhatsApp number, from its `WHATSAPP_PROVIDER` credential
/// (`SWITCHBOARD_TENANT_<ID>_WHATSAPP_PROVIDER`): `meta` (the Cloud API) or `twilio`. Unset, a tenant with
/// Twilio credentials and no `WHATSAPP_ACCESS_TOKEN` is on Twilio, every other one on Meta.
public enum WhatsAppProvider: String, Sendable, Hashable {
    case meta
    case twilio

    /// The provider for a tenant's settings; nil when `configured` names neither.
    public init?(configured: String?, hasMetaToken: Bool, hasTwilio: Bool) {
        if let configured {
            self.init(rawValue: configured.trimmingCharacters(in: .whitespaces).lowercased())
        } else {
            self = !hasMetaToken && hasTwilio ? .twilio : .meta
        }
    }
}
