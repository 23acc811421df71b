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
            var pause = Duration.milliseconds(pollMilliseconds)
            while true {
                try await Task.sleep(for: pause)
                let done = sent.current > 0
                let pollStart = clock.now
                try await poll()
                // The watcher shares the database with the pipeline it measures: at most a tenth of the time
                // on one connection. Replies are timed by their created_at, so polling less often only
                // delays noticing the end.
                pause = max(.milliseconds(pollMilliseconds), (clock.now - pollStart) * 9)
                if done && pendingCount == 0 { break }
                if clock.now > deadline { break }
            }
            try await group.waitForAll()
        }
    }
}
