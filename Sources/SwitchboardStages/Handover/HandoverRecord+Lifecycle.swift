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

    /// A lifecycle event of this handover whose id is derived from the handover id and the event type, so
    /// an operation that is retried (a redelivery, a repeated HTTP request) emits the same event again.
    public func lifecycleEvent(
        _ type: SwitchboardEvent.EventType, traceId: String?, at time: Date, details: [String: String] = [:]
    ) -> SwitchboardEvent {
        let namespace = UUID(uuidString: id) ?? DerivedID.make(from: Self.foreignIdNamespace, name: id)
        var allDetails = ["handover_id": id, "reason": reason.rawValue]
        if let agentId { allDetails["agent_id"] = agentId }
        allDetails.merge(details) { _, new in new }
        return SwitchboardEvent(
            id: DerivedID.make(from: namespace, name: type.rawValue), type: type, tenantId: tenantId,
            customerId: customerId, sessionId: sessionId, traceId: traceId, occurredAt: time, details: allDetails)
    }

    /// Namespace for deriving event ids of handovers whose id is not a UUID (not made by this stage).
    private static let foreignIdNamespace = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}
