import Foundation
public import ServiceLifecycle

/// Runs an ``NLPModelReloader``'s check every `interval` until graceful shutdown, so a changed training or
/// model file is picked up without a restart.
///
/// A check may train a model for many seconds: it runs on a thread of its own, never on Swift's shared
/// pool, where it would hold up the stage's message handling.
public struct NLPModelWatcher: Service {
    let reloader: NLPModelReloader
    let interval: Duration

    /// Creates a watcher that checks every `interval`.
    public init(reloader: NLPModelReloader, interval: Duration) {
        self.reloader = reloader
        self.interval = interval
    }

    public func run() async throws {
        // The sleep between checks is cancelled on graceful shutdown; a check in progress finishes first.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                await checkOnOwnThread()
            }
        }
    }

    private func checkOnOwnThread() async {
        let reloader = reloader
        _ = try? await NLPModels.onOwnThread { reloader.check() }
    }
}
