import Dispatch

/// Runs a blocking C call on a Dispatch thread, never on Swift's cooperative pool.
func runBlocking<T: Sendable>(
    on queue: DispatchQueue = .global(qos: .userInitiated),
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        queue.async { continuation.resume(with: Result { try body() }) }
    }
}

func runBlocking<T: Sendable>(
    on queue: DispatchQueue = .global(qos: .userInitiated),
    _ body: @escaping @Sendable () -> T
) async -> T {
    await withCheckedContinuation { continuation in
        queue.async { continuation.resume(returning: body()) }
    }
}
