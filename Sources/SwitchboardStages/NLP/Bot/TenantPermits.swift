import Synchronization

/// Bounds each tenant's engine calls in flight, so one tenant's slow engine holds only its own calls:
/// callers beyond the tenant's limit wait (in order) until a call ends, or until they are cancelled (the
/// chain's timeout cancels them).
public final class TenantPermits: Sendable {
    private struct Locked {
        var state = TenantPermitsState()
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextId: UInt64 = 0
    }

    private let locked = Mutex(Locked())

    public init() {}

    /// Runs `body` holding one of `tenant`'s `limit` permits.
    public func withPermit<Result: Sendable>(
        _ tenant: String, limit: Int, _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        try await acquire(tenant, limit: limit)
        defer { release(tenant) }
        return try await body()
    }

    /// Permits in use for `tenant` (for tests and metrics).
    public func inUse(_ tenant: String) -> Int { locked.withLock { $0.state.permits(tenant) } }

    /// Callers waiting for one of `tenant`'s permits.
    public func waiting(_ tenant: String) -> Int { locked.withLock { $0.state.waiting(tenant) } }

    private func acquire(_ tenant: String, limit: Int) async throws {
        let id = locked.withLock { locked in
            locked.nextId += 1
            return locked.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Cancellation sets the task's flag before the handler runs: a handler that ran before the
                // waiter was queued found nothing to cancel, so the flag is checked once queued, under the lock.
                let outcome = locked.withLock { locked -> Result<Bool, CancellationError> in
                    guard locked.state.acquire(tenant, limit: limit, waiter: id) == .queued else {
                        return .success(true)
                    }
                    if Task.isCancelled {
                        _ = locked.state.cancel(tenant, waiter: id)
                        return .failure(CancellationError())
                    }
                    locked.waiters[id] = continuation
                    return .success(false)
                }
                switch outcome {
                case .success(true): continuation.resume()
                case .success(false): break
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let waiter = locked.withLock { locked -> CheckedContinuation<Void, any Error>? in
                guard locked.waiters[id] != nil, locked.state.cancel(tenant, waiter: id) else { return nil }
                return locked.waiters.removeValue(forKey: id)
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release(_ tenant: String) {
        let next = locked.withLock { locked -> CheckedContinuation<Void, any Error>? in
            guard let id = locked.state.release(tenant) else { return nil }
            return locked.waiters.removeValue(forKey: id)
        }
        next?.resume()
    }
}
