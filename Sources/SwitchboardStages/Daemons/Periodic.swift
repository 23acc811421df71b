public import Logging
import ServiceLifecycle

/// Runs `turn` now and then every `interval` until graceful shutdown or cancellation: the loop of the
/// daemons' sweepers.
///
/// A turn that throws is logged as a warning (`failure`, with the error) and tried again at the next turn. A turn
/// in progress finishes; the wait between turns ends at once on graceful shutdown.
public func runPeriodically(
    every interval: Duration, logger: Logger, failure: Logger.Message,
    _ turn: @escaping @Sendable () async throws -> Void
) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await turn()
            } catch {
                logger.warning(failure, metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
