import Foundation
public import SwitchboardCore

/// Turns a batch of records into facts, leaves out the sessions of erased customers, stores them and counts
/// the new ones: the decision logic of the analytics consumer, without Kafka.
public struct AnalyticsRecorder: Sendable {
    let store: any AnalyticsStoring
    let erasures: (any ErasureSource)?
    let metrics: AnalyticsMetrics

    public init(
        store: any AnalyticsStoring, erasures: (any ErasureSource)?, metrics: AnalyticsMetrics = AnalyticsMetrics()
    ) {
        self.store = store
        self.erasures = erasures
        self.metrics = metrics
    }

    /// Records `inputs`; returns how many facts were new.
    @discardableResult
    public func record(_ inputs: [AnalyticsInput]) async throws -> Int {
        var facts: [AnalyticsRecordFact] = []
        var seen: Set<String> = []
        var changes: [AnalyticsSessionChange] = []
        for input in inputs {
            let (fact, change) = input.facts
            if let fact, seen.insert(fact.id).inserted { facts.append(fact) }
            if let change { changes.append(change) }
        }
        var fence = ErasureFence([])
        if !changes.isEmpty, let erasures {
            fence = ErasureFence(try await erasures.erasures())
            changes.removeAll { fence.erased($0) }
        }
        changes = AnalyticsSessionChange.merged(changes)
        guard !facts.isEmpty || !changes.isEmpty else { return 0 }
        let new = try await store.record(facts, sessions: changes)
        if !changes.isEmpty, let erasures {
            // A customer erased while this batch was written: the erasure may have deleted before the write.
            let after = ErasureFence(try await erasures.erasures())
            var late: Set<[String]> = []
            for change in changes where !fence.erased(change) && after.erased(change) {
                if let customer = change.customerId { late.insert([change.tenantId, customer]) }
            }
            for pair in late { try await store.removeSessions(tenantId: pair[0], customerId: pair[1]) }
        }
        for fact in new { metrics.count(fact) }
        return new.count
    }
}

extension ErasureFence {
    fileprivate func erased(_ change: AnalyticsSessionChange) -> Bool {
        change.customerId.map { erased(tenantId: change.tenantId, customerId: $0) } ?? false
    }
}
