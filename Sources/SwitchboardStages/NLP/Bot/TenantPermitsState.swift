/// How many engine calls each tenant has in flight, and who waits for one: a pure state machine that
/// ``TenantPermits`` locks.
struct TenantPermitsState: Sendable {
    private var inUse: [String: Int] = [:]
    private var queues: [String: [UInt64]] = [:]

    /// What became of an acquire.
    enum Acquire: Equatable {
        case granted
        case queued
    }

    /// Takes a permit of `tenant` for `waiter` if fewer than `limit` are in use; otherwise queues it.
    mutating func acquire(_ tenant: String, limit: Int, waiter: UInt64) -> Acquire {
        if inUse[tenant, default: 0] < limit {
            inUse[tenant, default: 0] += 1
            return .granted
        }
        queues[tenant, default: []].append(waiter)
        return .queued
    }

    /// Gives a permit of `tenant` back: to the first waiter (returned; the permit stays in use), or free.
    mutating func release(_ tenant: String) -> UInt64? {
        if var queue = queues[tenant], !queue.isEmpty {
            let next = queue.removeFirst()
            queues[tenant] = queue.isEmpty ? nil : queue
            return next
        }
        inUse[tenant, default: 1] -= 1
        if inUse[tenant] == 0 { inUse[tenant] = nil }
        return nil
    }

    /// A waiter gave up: true when it was queued (and is no longer); false when it holds a permit already.
    mutating func cancel(_ tenant: String, waiter: UInt64) -> Bool {
        if var queue = queues[tenant], let index = queue.firstIndex(of: waiter) {
            queue.remove(at: index)
            queues[tenant] = queue.isEmpty ? nil : queue
            return true
        }
        return false
    }

    /// Permits in use for `tenant`.
    func permits(_ tenant: String) -> Int { inUse[tenant] ?? 0 }
    /// Waiters queued for `tenant`.
    func waiting(_ tenant: String) -> Int { queues[tenant]?.count ?? 0 }
}
