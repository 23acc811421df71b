import Metrics
public import SwitchboardCore
public import SwitchboardRuntime
import Synchronization

/// A stage handler that drops the records of erased customers before its handler sees them: nothing of such
/// a customer is stored or sent again once the erasure is recorded.
///
/// It reads the erasures once per batch (a small collection: one document per customer erased within the fence
/// period). A dropped item is done, with no output; it is logged without personal data and counted.
public final class DropErased: StageHandler {
    let handler: any StageHandler
    let source: any ErasureSource
    let onDropped: @Sendable (Envelope) -> Void
    let onNewErasures: @Sendable ([Erasure]) -> Void
    private let seen = Mutex<Set<String>>([])

    /// `onNewErasures` is told of erasures it had not seen before, before the batch is handled: a handler that
    /// caches customers drops them there (else a later message from the address would find the erased id).
    public init(
        _ handler: any StageHandler, erasures source: any ErasureSource,
        onDropped: @escaping @Sendable (Envelope) -> Void = { _ in },
        onNewErasures: @escaping @Sendable ([Erasure]) -> Void = { _ in }
    ) {
        self.handler = handler
        self.source = source
        self.onDropped = onDropped
        self.onNewErasures = onNewErasures
    }

    public func handle(_ batch: StageBatch) async throws -> [StageResult] {
        let erasures = try await source.erasures()
        let new = seen.withLock { seen in
            erasures.filter { seen.insert("\($0.tenantId)|\($0.customerId)").inserted }
        }
        if !new.isEmpty { onNewErasures(new) }
        let fence = ErasureFence(erasures)
        guard !fence.isEmpty else { return try await handler.handle(batch) }
        var kept = batch
        kept.items = []
        var keptIndices: [Int] = []
        for (index, item) in batch.items.enumerated() {
            if fence.drops(item.envelope) {
                item.logger.info("Record of an erased customer dropped")
                Counter(label: "switchboard_erased_records_dropped_total", dimensions: [("topic", item.origin.topic)])
                    .increment()
                onDropped(item.envelope)
            } else {
                kept.items.append(item)
                keptIndices.append(index)
            }
        }
        var results = [StageResult](repeating: .produced([]), count: batch.items.count)
        guard !kept.items.isEmpty else { return results }
        for (offset, result) in try await handler.handle(kept).enumerated() {
            results[keptIndices[offset]] = result
        }
        return results
    }
}
