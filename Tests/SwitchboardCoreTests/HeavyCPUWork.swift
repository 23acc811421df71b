import Foundation

/// Runs seconds of CPU work (training a model, scoring a data set) outside Swift's concurrency pool, one such
/// job at a time.
///
/// On Linux the pool is Dispatch's global queue, as wide as the machine has cores: `DispatchQueue.global()`
/// takes a pool thread just the same, and on two cores two training tests stalled every other test of the run
/// for 40 s, long enough for 10 s network timeouts of unrelated tests to fire. A serial queue of its own runs
/// on a thread outside the pool, and one job at a time leaves the other core to the rest of the run.
func heavyCPUWork<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        heavyCPUQueue.async { continuation.resume(with: Result { try body() }) }
    }
}

private let heavyCPUQueue = DispatchQueue(label: "switchboard-tests.heavy-cpu")
