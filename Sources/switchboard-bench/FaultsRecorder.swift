import Synchronization

/// What the stream sent and what channel-webhook answered, readable while the stream still runs (a stream
/// stuck on an unanswered connection still leaves its figures).
final class FaultsRecorder: Sendable {
    private struct State {
        var sent: [FaultsMessage?]
        var answered: [FaultsMessage?]
        var answers = 0
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(sent: Array(repeating: nil, count: count), answered: Array(repeating: nil, count: count)))
    }

    func sent(_ message: FaultsMessage) {
        state.withLock { $0.sent[message.index] = message }
    }

    func answered(_ message: FaultsMessage) {
        state.withLock { state in
            if state.answered[message.index] == nil { state.answers += 1 }
            state.answered[message.index] = message
        }
    }

    var answers: Int { state.withLock { $0.answers } }

    /// Every message sent, with its answer; those without one carry `unanswered` as their failure.
    func messages(unanswered: String) -> [FaultsMessage] {
        state.withLock { state in
            state.sent.indices.compactMap { index in
                if let answer = state.answered[index] { return answer }
                guard var message = state.sent[index] else { return nil }
                message.failure = unanswered
                return message
            }
        }
    }
}
