public import Foundation

extension HandoverRecord {
    /// The id of this handover's lifecycle event of `type` in its current state: derived from the handover
    /// id, the type and the number of transfers so far. A retried operation (a redelivery, a repeated HTTP
    /// request) gets the same id again; a second claim after a return to the queue gets a new one.
    public func lifecycleEventId(_ type: SwitchboardEvent.EventType) -> UUID {
        let namespace = UUID(uuidString: id) ?? DerivedID.make(from: Self.foreignIdNamespace, name: id)
        return DerivedID.make(from: namespace, name: transfers == 0 ? type.rawValue : "\(type.rawValue):\(transfers)")
    }

    /// Namespace for deriving event ids of handovers whose id is not a UUID (not made by this stage).
    private static let foreignIdNamespace = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}
