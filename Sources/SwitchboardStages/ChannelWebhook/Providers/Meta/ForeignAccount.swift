import Metrics
import SwitchboardCore

/// Counts webhook parts that were signed with the tenant's app secret but name another business account
/// (a WhatsApp number or Messenger page the tenant does not own): one Meta app can serve several accounts,
/// so a valid signature alone does not make the customer this tenant's.
enum ForeignAccount {
    /// `switchboard_webhook_foreign_account_total{channel}`: parts ignored because they belong to another account.
    static func ignored(channel: Channel, tenantId: String) {
        Counter(
            label: "switchboard_webhook_foreign_account_total",
            dimensions: [("channel", channel.rawValue), ("tenant", tenantId)]
        )
        .increment()
    }
}
