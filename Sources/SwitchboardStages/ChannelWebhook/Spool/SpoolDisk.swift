import Dispatch
import Foundation
import Synchronization

/// Runs every ``SpoolStorage`` call on one serial Dispatch queue, off the cooperative pool, and batches
/// concurrent appends so that one `fsync` makes a whole group durable.
final class SpoolDisk: @unchecked Sendable {
    // `@unchecked`: `storage` is touched only by blocks on `queue`.
    private let queue = DispatchQueue(label: "switchboard-spool", qos: .userInitiated)
    private let storage: SpoolStorage
    private let waiting = Mutex<(appends: [PendingAppend], scheduled: Bool)>(([], false))

    private struct PendingAppend: Sendable {
        var frame: [UInt8]
        /// Runs on the queue in file order, right after the group is durable (or failed).
        var written: @Sendable (Result<SpoolPosition, SpoolError>) -> Void
        var continuation: CheckedContinuation<Result<SpoolPosition, SpoolError>, Never>
    }

    /// Opens the spool in `directory`: what it holds after the cursor, in file order.
    static func open(
        directory: URL, maxBytes: Int, segmentBytes: Int
    ) async throws(SpoolError) -> (disk: SpoolDisk, recovered: [SpoolStorage.Recovered], droppedBytes: Int) {
        let queue = DispatchQueue(label: "switchboard-spool-open")
        let result: Result<(SpoolDisk, [SpoolStorage.Recovered], Int), SpoolError> = await withCheckedContinuation {
            continuation in
            queue.async {
                do throws(SpoolError) {
                    let storage = try SpoolStorage(directory: directory, maxBytes: maxBytes, segmentBytes: segmentBytes)
                    let recovered = try storage.recover()
                    continuation.resume(
                        returning: .success((SpoolDisk(storage: storage), recovered, storage.droppedTailBytes)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        let (disk, recovered, dropped) = try result.get()
        return (disk, recovered, dropped)
    }

    private init(storage: SpoolStorage) {
        self.storage = storage
    }

    /// Appends one framed record and returns once it is durable. `written` runs on the spool's queue in file
    /// order, before this returns, so bookkeeping sees records in the order they are on disk.
    func append(
        _ frame: [UInt8], written: @escaping @Sendable (Result<SpoolPosition, SpoolError>) -> Void
    ) async -> Result<SpoolPosition, SpoolError> {
        await withCheckedContinuation { continuation in
            let schedule = waiting.withLock { state in
                state.appends.append(PendingAppend(frame: frame, written: written, continuation: continuation))
                defer { state.scheduled = true }
                return !state.scheduled
            }
            if schedule { queue.async { self.flushWaiting() } }
        }
    }

    /// The payloads at `positions`, in order; nil for a record that no longer reads back whole.
    func read(_ positions: [SpoolPosition]) async -> Result<[ArraySlice<UInt8>?], SpoolError> {
        await run { storage throws(SpoolError) in try storage.read(positions) }
    }

    /// Moves the cursor (durably) and deletes fully acknowledged segments.
    func commit(_ cursor: InboundSpoolState.Cursor) async -> Result<Void, SpoolError> {
        await run { storage throws(SpoolError) in try storage.commit(segment: cursor.segment, offset: cursor.offset) }
    }

    /// Bytes of the segment files on disk.
    func diskBytes() async -> Int {
        (try? await run { storage in storage.diskBytes }.get()) ?? 0
    }

    private func flushWaiting() {
        let group = waiting.withLock { state in
            defer {
                state.appends = []
                state.scheduled = false
            }
            return state.appends
        }
        guard !group.isEmpty else { return }
        let results = storage.append(group.map(\.frame))
        for (pending, result) in zip(group, results) {
            pending.written(result)
            pending.continuation.resume(returning: result)
        }
    }

    private func run<T: Sendable>(
        _ body: @escaping @Sendable (SpoolStorage) throws(SpoolError) -> T
    ) async -> Result<T, SpoolError> {
        await withCheckedContinuation { continuation in
            queue.async {
                do throws(SpoolError) {
                    continuation.resume(returning: .success(try body(self.storage)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
    }
}
