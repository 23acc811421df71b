import Synchronization

/// Matches librdkafka's delivery reports to the callers waiting for them.
///
/// Each produced message carries a small integer id as its opaque; the report with that id resumes the
/// single caller, or fills its slot in a batch that resumes once every slot is filled.
final class DeliveryTracker: Sendable {
    typealias Outcome = Result<KafkaDeliveryReport, KafkaError>

    private enum Waiter {
        case single(CheckedContinuation<KafkaDeliveryReport, any Error>)
        case batch(DeliveryBatch, index: Int)
    }

    private struct State {
        var nextID: UInt = 1
        var waiters: [UInt: Waiter] = [:]
        var closedReason: KafkaError?
    }

    private let state = Mutex(State())

    var pendingCount: Int { state.withLock { $0.waiters.count } }

    var closedReason: KafkaError? { state.withLock { $0.closedReason } }

    func register(_ continuation: CheckedContinuation<KafkaDeliveryReport, any Error>) -> UInt? {
        register(.single(continuation))
    }

    func register(batch: DeliveryBatch, index: Int) -> UInt? {
        register(.batch(batch, index: index))
    }

    private func register(_ waiter: Waiter) -> UInt? {
        state.withLock { state in
            guard state.closedReason == nil else { return nil }
            let id = state.nextID
            state.nextID &+= 1
            if state.nextID == 0 { state.nextID = 1 }
            state.waiters[id] = waiter
            return id
        }
    }

    func complete(_ id: UInt, with result: Outcome) {
        guard let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) }) else { return }
        Self.resume(waiter, with: result)
    }

    /// Fails every waiter and refuses new ones.
    func close(reason: KafkaError) {
        let waiters = state.withLock { state in
            state.closedReason = reason
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters.values { Self.resume(waiter, with: .failure(reason)) }
    }

    private static func resume(_ waiter: Waiter, with result: Outcome) {
        switch waiter {
        case .single(let continuation):
            continuation.resume(with: result.mapError { $0 as any Error })
        case .batch(let batch, let index):
            batch.fill(index, with: result)
        }
    }
}

/// Collects the delivery reports of a batch and resumes its caller once all have arrived.
final class DeliveryBatch: Sendable {
    typealias Outcome = DeliveryTracker.Outcome
    typealias Continuation = CheckedContinuation<[Outcome], Never>

    private struct State {
        var results: [Outcome?]
        var remaining: Int
        var continuation: Continuation?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count))
    }

    func fill(_ index: Int, with result: Outcome) {
        let ready = state.withLock { state -> (Continuation, [Outcome])? in
            guard state.results[index] == nil else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, state.results.compactMap { $0 })
        }
        if let (continuation, results) = ready { continuation.resume(returning: results) }
    }

    func wait() async -> [Outcome] {
        await withCheckedContinuation { continuation in
            let results = state.withLock { state -> [Outcome]? in
                if state.remaining == 0 { return state.results.compactMap { $0 } }
                state.continuation = continuation
                return nil
            }
            if let results { continuation.resume(returning: results) }
        }
    }
}
