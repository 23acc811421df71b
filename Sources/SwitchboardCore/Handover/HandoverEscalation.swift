public import Foundation

/// When a waiting hand-over is escalated, and what its customer is told then: a pure policy over the
/// tenant's settings and a clock.
public enum HandoverEscalation {
    /// What the customer gets when their hand-over is escalated.
    public enum CustomerMessage: Sendable, Hashable {
        /// The desk is open: the tenant's "still waiting" message.
        case stillWaiting(String)
        /// The tenant's opening hours say the desk is closed: its offline reply.
        case outOfHours(String)

        public var text: String {
            switch self {
            case .stillWaiting(let text), .outOfHours(let text): text
            }
        }
    }

    /// The latest creation time of a hand-over due for escalation at `now`; nil when the tenant sets no
    /// assign timeout.
    public static func cutoff(_ settings: TenantDeskSettings, at now: Date) -> Date? {
        guard settings.assignTimeoutSeconds > 0 else { return nil }
        return now.addingTimeInterval(-settings.assignTimeoutSeconds)
    }

    /// Whether `record` is due: still waiting, not escalated before, and unclaimed for the assign timeout.
    public static func isDue(_ record: HandoverRecord, settings: TenantDeskSettings, at now: Date) -> Bool {
        guard let cutoff = cutoff(settings, at: now) else { return false }
        return record.status == .waiting && record.escalatedAt == nil && record.createdAt <= cutoff
    }

    /// What the customer of an escalated hand-over is told at `now`.
    public static func customerMessage(for tenant: TenantConfiguration, at now: Date) -> CustomerMessage {
        tenant.rules.isOpen(at: now)
            ? .stillWaiting(tenant.desk.stillWaitingMessage) : .outOfHours(tenant.rules.offlineReply)
    }
}
