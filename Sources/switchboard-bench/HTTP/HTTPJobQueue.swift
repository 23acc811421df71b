import Synchronization

/// A first-in first-out queue of jobs shared by many worker tasks: `next()` waits for a job, or returns nil
/// once the queue is finished and empty.
final class HTTPJobQueue: Sendable {
    private struct State {
        var jobs: [HTTPJob] = []
        var head = 0
        var waiters: [CheckedContinuation<HTTPJob?, Never>] = []
        var finished = false
        var deepest = 0

        var queued: Int { jobs.count - head }
    }

    private let state = Mutex(State())

    /// Hands `job` to a waiting worker, or queues it.
    func push(_ job: HTTPJob) {
        let waiter: CheckedContinuation<HTTPJob?, Never>? = state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeLast() }
            state.jobs.append(job)
            state.deepest = max(state.deepest, state.queued)
            return nil
        }
        waiter?.resume(returning: job)
    }

    /// The next job; nil after `finish()` once every queued job was taken.
    func next() async -> HTTPJob? {
        await withCheckedContinuation { continuation in
            let answer: HTTPJob?? = state.withLock { state in
                if state.head < state.jobs.count {
                    let job = state.jobs[state.head]
                    state.head += 1
                    if state.head > 4096, state.head * 2 > state.jobs.count {
                        state.jobs.removeFirst(state.head)
                        state.head = 0
                    }
                    return .some(job)
                }
                if state.finished { return .some(nil) }
                state.waiters.append(continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// No more jobs will come: idle workers get nil.
    func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// The most jobs that ever waited for a free connection at once.
    var deepest: Int { state.withLock { $0.deepest } }
}
