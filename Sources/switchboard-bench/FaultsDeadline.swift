import Synchronization

/// Bounds on waits the fault suite cannot let hang (a frozen broker or database may never answer).
enum FaultsDeadline {
    /// `body`'s result, or nil when it took longer than `timeout`. On timeout (or cancellation) the body is
    /// cancelled and left behind rather than awaited, since a call into a frozen server may not notice
    /// cancellation; this is a command, so nothing outlives the process.
    static func run<T: Sendable>(
        _ timeout: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let work = Task {
                    do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(for: timeout)
                    race.finish(.success(nil))
                }
                race.begin(continuation, tasks: [work, timer])
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// Whichever of the body, the timer and cancellation finishes first resumes the caller; the others are
    /// cancelled.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T?, any Error>?
            var tasks: [Task<Void, Never>] = []
            var result: Result<T?, any Error>?
        }

        private let state = Mutex(State())

        func begin(_ continuation: CheckedContinuation<T?, any Error>, tasks: [Task<Void, Never>]) {
            let early: Result<T?, any Error>? = state.withLock { state in
                state.tasks = tasks
                guard let result = state.result else {
                    state.continuation = continuation
                    return nil
                }
                return result
            }
            if let early {
                for task in tasks { task.cancel() }
                continuation.resume(with: early)
            }
        }

        func finish(_ result: Result<T?, any Error>) {
            let (continuation, tasks): (CheckedContinuation<T?, any Error>?, [Task<Void, Never>]) = state.withLock {
                state in
                guard state.result == nil else { return (nil, []) }
                state.result = result
                defer { state.continuation = nil }
                return (state.continuation, state.tasks)
            }
            guard let continuation else { return }
            for task in tasks { task.cancel() }
            continuation.resume(with: result)
        }
    }
}
