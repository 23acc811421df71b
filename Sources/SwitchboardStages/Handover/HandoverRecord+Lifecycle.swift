public import Foundation
public import SwitchboardCore

extension HandoverRecord {
    /// What the session document records about this handover.
    public var sessionHandover: SessionRecord.Handover {
        SessionRecord.Handover(handoverId: id, reason: reason, requestedAt: createdAt)
    }

    /// Who owns the session while this handover is open: a human, the claiming agent once there is one.
    public var humanOwner: SessionOwner {
        .human(agentId: status == .claimed ? agentId : nil)
    }

    /// The key of the customer's messages, so lifecycle events stay in order with them.
    public var partitionKey: PartitionKey {
        .customer(tenantId: tenantId, customerId: customerId)
    }

    /// A lifecycle event of this handover, with the id ``lifecycleEventId(_:)`` derives.
    public func lifecycleEvent(
        _ type: SwitchboardEvent.EventType, traceId: String?, at time: Date, details: [String: String] = [:]
    ) -> SwitchboardEvent {
        var allDetails = ["handover_id": id, "reason": reason.rawValue, "status": status.rawValue]
        if let agentId { allDetails["agent_id"] = agentId }
        if let previousAgentId, transfers > 0 { allDetails["previous_agent_id"] = previousAgentId }
        if let note, transfers > 0 { allDetails["note"] = note }
        if let waitTime { allDetails["wait_seconds"] = String(format: "%.3f", waitTime) }
        if let handleTime { allDetails["handle_seconds"] = String(format: "%.3f", handleTime) }
        allDetails.merge(details) { _, new in new }
        return SwitchboardEvent(
            id: lifecycleEventId(type), type: type, tenantId: tenantId,
            customerId: customerId, sessionId: sessionId, traceId: traceId, occurredAt: time, details: allDetails)
    }
}
