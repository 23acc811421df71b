import Foundation

extension ReplyWatcher {
    /// Runs `sending` while polling the store every `pollMilliseconds`; returns once `sending` is done and
    /// every expected reply was found, or `timeout` seconds after the start (still waiting for `sending`).
    func follow(
        pollMilliseconds: Int, timeout: Int, sending: @escaping @Sendable () async throws -> Void
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(timeout)
        let sent = SharedCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await sending()
                _ = sent.next()
            }
            while true {
                try await Task.sleep(for: .milliseconds(pollMilliseconds))
                let done = sent.current > 0
                try await poll()
                if done && pendingCount == 0 { break }
                if clock.now > deadline { break }
            }
            try await group.waitForAll()
        }
    }
}
