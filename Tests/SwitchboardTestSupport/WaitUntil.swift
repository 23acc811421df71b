/// Waits until `condition` holds, checking it every `poll`; fails with ``TestTimeout`` after `timeout`.
///
/// The way tests wait: on a condition (an offset committed, a record seen, a status stored), never on a fixed
/// sleep.
public func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(60),
    poll: Duration = .milliseconds(50),
    _ condition: @escaping @Sendable () async throws -> Bool
) async throws {
    try await withTimeout(timeout, what) {
        while try await !condition() { try await Task.sleep(for: poll) }
    }
}
