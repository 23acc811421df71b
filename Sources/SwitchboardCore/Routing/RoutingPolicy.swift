public import Foundation

/// The message router's decision logic.
///
/// Order of rules:
/// 1. A human (waiting or assigned) owns the session → `human` / `human_owns_session`, even outside
///    business hours: the conversation is already with the team, and an agent may work past closing;
///    answering with an offline reply mid-conversation would be wrong.
/// 2. The text contains a handover phrase → `human` / `customer_asked_for_human` while open, otherwise
///    `offline_reply` / `outside_business_hours` with the tenant's offline text (no handover is opened).
/// 3. Otherwise → `bot` / `bot_default`.
public enum RoutingPolicy {
    /// Routes a message with text `text` (nil for content without text) in a session owned by `owner`.
    public static func route(text: String?, owner: SessionOwner, rules: TenantRules, now: Date) -> RouteDecision {
        if owner.isHuman {
            return RouteDecision(target: .human, reason: .humanOwnsSession)
        }
        if let text, rules.asksForHuman(text) {
            return escalate(reason: .customerAskedForHuman, rules: rules, now: now)
        }
        return RouteDecision(target: .bot, reason: .botDefault)
    }

    /// Routes an envelope, looking at its text, caption or interactive reply.
    public static func route(_ envelope: Envelope, owner: SessionOwner, rules: TenantRules, now: Date) -> RouteDecision
    {
        route(text: envelope.content?.textForUnderstanding, owner: owner, rules: rules, now: now)
    }

    /// Where a wish for a human goes (also used when the bot hands over): to a human while the tenant is
    /// open, else the offline reply.
    public static func escalate(reason: RouteReason, rules: TenantRules, now: Date) -> RouteDecision {
        if rules.isOpen(at: now) {
            RouteDecision(target: .human, reason: reason)
        } else {
            RouteDecision(target: .offlineReply, reason: .outsideBusinessHours, replyText: rules.offlineReply)
        }
    }
}
