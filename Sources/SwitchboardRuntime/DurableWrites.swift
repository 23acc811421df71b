/// Where a stage's writes go, as far as their durability goes: a database that can say which server process
/// answers it (its epoch) and make every write it acknowledged durable.
public protocol DurabilityBarrier: Sendable {
    /// The identity of the server process answering now; a restart changes it.
    func epoch() async throws -> String
    /// Makes every write acknowledged so far durable (a journaled write: the server answers only once its
    /// journal, and so every write before it, is on disk), then checks that the server answering is still the
    /// one of `epoch`. Throws ``WritesMayBeLost`` when it is not: writes it acknowledged before a crash can
    /// be gone.
    func makeDurable(since epoch: String) async throws
}

/// The database restarted while a batch was written: what it acknowledged may not have reached its disk.
public struct WritesMayBeLost: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String {
        "the database restarted while the batch was written; its writes are done again"
    }
}

/// A stage handler whose writes are durable before anything it produced is sent on or its offsets are
/// committed.
///
/// A database can acknowledge a write it has not yet put on disk (MongoDB journals every 100 ms by default;
/// SecantusDB loses the last acknowledged writes when killed). A stage that produced and committed after such
/// a write would lose it for good. So after each batch this wrapper makes the writes durable through the
/// barrier, one journaled write per batch, and checks that no restart came in between. When one did, or the
/// barrier fails, every item of the batch is failed as transient: the runner handles them again (the
/// handlers are idempotent), after `onLostWrites` dropped whatever the handler cached from the lost writes.
public struct DurableWrites: StageHandler {
    let handler: any StageHandler
    let barrier: any DurabilityBarrier
    let onLostWrites: @Sendable () -> Void

    public init(
        _ handler: any StageHandler, barrier: any DurabilityBarrier, onLostWrites: @escaping @Sendable () -> Void = {}
    ) {
        self.handler = handler
        self.barrier = barrier
        self.onLostWrites = onLostWrites
    }

    public func handle(_ batch: StageBatch) async throws -> [StageResult] {
        let epoch = try await barrier.epoch()
        let results = try await handler.handle(batch)
        // Nothing handled: nothing to keep (a batch that failed as a whole is retried anyway).
        guard results.contains(where: { if case .failed = $0 { false } else { true } }) else { return results }
        do {
            try await barrier.makeDurable(since: epoch)
        } catch {
            onLostWrites()
            return results.map { result in
                if case .failed = result { return result }
                return .failed(error)
            }
        }
        return results
    }
}
