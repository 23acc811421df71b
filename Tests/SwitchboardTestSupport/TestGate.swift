import Foundation
import Synchronization

/// A gate tasks wait at until it is opened: a slow endpoint without timing or polling. A waiting task that is
/// cancelled stops waiting with `CancellationError`.
public final class TestGate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [UUID: CheckedContinuation<Void, any Error>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Opens the gate: every waiter goes on, and later ones do not wait.
    public func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the gate is open.
    public func wait() async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Go { case pass, cancelled, wait }
                let go = state.withLock { state -> Go in
                    if state.isOpen { return .pass }
                    if Task.isCancelled { return .cancelled }
                    state.waiters[id] = continuation
                    return .wait
                }
                switch go {
                case .pass: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }
}
