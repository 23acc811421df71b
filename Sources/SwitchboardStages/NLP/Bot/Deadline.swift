import SwitchboardCore

/// Runs `operation`, cancelling it once `timeout` has passed; throws ``BotEngineError`` `timeout` then.
///
/// The operation must end when cancelled (HTTP calls here have their own deadline too), since the task
/// group waits for it.
func withBotDeadline<Result: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw BotEngineError(.timeout, "no answer within \(timeout)")
        }
        return result
    }
}
