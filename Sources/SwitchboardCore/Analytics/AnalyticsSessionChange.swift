public import Foundation

/// What one record changes in its session's ``AnalyticsSessionFact``. Every operation is idempotent and
/// commutes with the others of its kind, so the fact does not depend on duplicates, and a replay rebuilds it.
public struct AnalyticsSessionChange: Sendable, Hashable {
    /// A field of the session fact.
    public enum Field: Sendable, Hashable {
        case startedAt, lastAt, firstReplyAt
        case handoverStarted(String), handoverClaimed(String), handoverEnded(String)

        /// The field's path in the stored document.
        public var path: String {
            switch self {
            case .startedAt: "started_at"
            case .lastAt: "last_at"
            case .firstReplyAt: "first_reply_at"
            case .handoverStarted(let id): "handovers.\(id).started_at"
            case .handoverClaimed(let id): "handovers.\(id).claimed_at"
            case .handoverEnded(let id): "handovers.\(id).ended_at"
            }
        }
    }

    /// A value a record sets: the same record always sets the same one.
    public enum Value: Sendable, Hashable {
        case handoverReason(String, String)
        case handoverAgent(String, String)
        case handoverHandleSeconds(String, Double)
        case csat(score: Int, agentId: String?)
    }

    public var sessionId: String
    public var tenantId: String
    /// Set when the session is first seen.
    public var customerId: String?
    /// Set when the session is first seen.
    public var channel: String?
    /// Keeps the earliest time.
    public var earliest: [Field: Date] = [:]
    /// Keeps the latest time.
    public var latest: [Field: Date] = [:]
    public var values: [Value] = []
    /// Added to the session's agents.
    public var agents: [String] = []

    public init(sessionId: String, tenantId: String, customerId: String?, channel: String? = nil) {
        self.sessionId = sessionId
        self.tenantId = tenantId
        self.customerId = customerId
        self.channel = channel
    }
}

extension AnalyticsSessionChange {
    /// The changes of a batch, one per session, each with the effect of all of that session's: one write per
    /// session (two upserts of one new session in one bulk write could collide).
    public static func merged(_ changes: [AnalyticsSessionChange]) -> [AnalyticsSessionChange] {
        var order: [String] = []
        var merged: [String: AnalyticsSessionChange] = [:]
        for change in changes {
            guard var into = merged[change.sessionId] else {
                order.append(change.sessionId)
                merged[change.sessionId] = change
                continue
            }
            into.customerId = into.customerId ?? change.customerId
            into.channel = into.channel ?? change.channel
            into.earliest.merge(change.earliest) { min($0, $1) }
            into.latest.merge(change.latest) { max($0, $1) }
            into.values += change.values
            for agent in change.agents where !into.agents.contains(agent) { into.agents.append(agent) }
            merged[change.sessionId] = into
        }
        return order.map { merged[$0]! }
    }
}

extension AnalyticsSessionFact {
    /// Applies `change` as the database does (`$setOnInsert`, `$min`, `$max`, `$set`, `$addToSet`).
    public mutating func apply(_ change: AnalyticsSessionChange) {
        if customerId == nil { customerId = change.customerId }
        if channel == nil { channel = change.channel }
        var handovers = self.handovers ?? [:]
        func update(_ field: AnalyticsSessionChange.Field, _ change: (inout Date?) -> Void) {
            switch field {
            case .startedAt: change(&startedAt)
            case .lastAt: change(&lastAt)
            case .firstReplyAt: change(&firstReplyAt)
            case .handoverStarted(let id): change(&handovers[id, default: Handover()].startedAt)
            case .handoverClaimed(let id): change(&handovers[id, default: Handover()].claimedAt)
            case .handoverEnded(let id): change(&handovers[id, default: Handover()].endedAt)
            }
        }
        for (field, date) in change.earliest { update(field) { $0 = min($0 ?? date, date) } }
        for (field, date) in change.latest { update(field) { $0 = max($0 ?? date, date) } }
        for value in change.values {
            switch value {
            case .handoverReason(let id, let reason): handovers[id, default: Handover()].reason = reason
            case .handoverAgent(let id, let agent): handovers[id, default: Handover()].agentId = agent
            case .handoverHandleSeconds(let id, let seconds): handovers[id, default: Handover()].handleSeconds = seconds
            case .csat(let score, let agentId):
                csat = score
                if let agentId { csatAgent = agentId }
            }
        }
        self.handovers = handovers.isEmpty ? self.handovers : handovers
        for agent in change.agents where !(agents ?? []).contains(agent) { agents = (agents ?? []) + [agent] }
    }
}
