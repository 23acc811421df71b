import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import SwitchboardObservability

@Suite("Daemon runner")
struct DaemonRunnerTests {
    @Test func shutdownTimeoutComesFromTheEnvironment() throws {
        #expect(try DaemonRunner.shutdownTimeout(environment: [:]) == .seconds(20))
        #expect(
            try DaemonRunner.shutdownTimeout(environment: ["SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS": "7"]) == .seconds(7))
        #expect(
            try DaemonRunner.shutdownTimeout(environment: ["SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS": "1.5"])
                == .milliseconds(1500))
        for bad in ["0", "-3", "soon", "inf", "99999"] {
            #expect(throws: ObservabilityConfigurationError.self, "\(bad)") {
                try DaemonRunner.shutdownTimeout(environment: ["SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS": bad])
            }
        }
    }

    @Test func configurationShutsDownGracefullyOnSIGTERMAndSIGINTOnly() throws {
        let configuration = try DaemonRunner.configuration(
            services: [], logger: Logger(label: "t"), environment: ["SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS": "3"])
        #expect(configuration.gracefulShutdownSignals.map(\.description).sorted() == ["SIGINT", "SIGTERM"])
        #expect(configuration.cancellationSignals.isEmpty)
        #expect(configuration.maximumGracefulShutdownDuration == .seconds(3))
        #expect(configuration.maximumCancellationDuration == DaemonRunner.cancellationGrace)
    }

    /// A service that ignores graceful shutdown and only stops when cancelled, like a consumer stuck in a poll.
    private final class StubbornService: Service {
        let started: AsyncStream<Void>
        private let startedContinuation: AsyncStream<Void>.Continuation
        let sawCancellation = Mutex(false)

        init() {
            (self.started, self.startedContinuation) = AsyncStream.makeStream()
        }

        func run() async throws {
            self.startedContinuation.yield()
            try? await Task.sleep(for: .seconds(3600))
            self.sawCancellation.withLock { $0 = Task.isCancelled }
        }
    }

    @Test func gracefulShutdownThatOverrunsIsEscalatedToCancellation() async throws {
        let service = StubbornService()
        let configuration = try DaemonRunner.configuration(
            services: [service],
            logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
            environment: ["SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS": "0.3"]
        )
        let group = ServiceGroup(configuration: configuration)
        let clock = ContinuousClock()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = service.started.makeAsyncIterator()
            await iterator.next()
            let start = clock.now
            await group.triggerGracefulShutdown()
            try await tasks.next()
            // The service ignores graceful shutdown for an hour: stopping at all shows the escalation.
            #expect(clock.now - start < .seconds(1800))
        }
        #expect(service.sawCancellation.withLock { $0 })
    }
}
