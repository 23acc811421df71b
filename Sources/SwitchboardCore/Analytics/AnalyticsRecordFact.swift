public import Foundation

/// One counted record of the `sessioned`, `outbound` or `events` topics: a message in or out, a hand-over, a
/// failed delivery or a survey answer. Stored once under the record's own id, so a redelivered or replayed
/// record is not counted again. It holds no personal data: no customer, no session, no text.
public struct AnalyticsRecordFact: Sendable, Hashable, Codable {
    /// What was counted.
    public enum Kind: String, Sendable, Hashable, Codable {
        case messageIn = "in"
        case messageOut = "out"
        case handover
        case deliveryFailed = "delivery_failed"
        case csat
    }

    /// The record's id (envelope or event id).
    public var id: String
    public var tenantId: String
    public var kind: Kind
    /// The channel, when the record names one.
    public var channel: String?
    /// For `out`: `bot`, `agent` or `system`.
    public var sender: String?
    /// For `out` by an agent, and `csat` after a hand-over.
    public var agentId: String?
    /// For `handover`: its reason; for `csat`: the score.
    public var label: String?
    public var at: Date

    public init(
        id: String, tenantId: String, kind: Kind, channel: String? = nil, sender: String? = nil,
        agentId: String? = nil, label: String? = nil, at: Date
    ) {
        self.id = id
        self.tenantId = tenantId
        self.kind = kind
        self.channel = channel
        self.sender = sender
        self.agentId = agentId
        self.label = label
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case tenantId = "tenant_id"
        case kind, channel, sender, label, at
        case agentId = "agent_id"
    }
}
