import Logging
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

@Suite("The sweepers' periodic loop")
struct PeriodicTests {
    /// Keeps the warnings logged through it.
    final class Warnings: Sendable {
        let lines = Mutex<[String]>([])

        var logger: Logger {
            Logger(label: "periodic-tests") { _ in Handler(warnings: self) }
        }

        struct Handler: LogHandler {
            let warnings: Warnings
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .warning

            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                let error = event.metadata?["error"].map { " \($0)" } ?? ""
                warnings.lines.withLock { $0.append("\(event.message)\(error)") }
            }
        }
    }

    struct TurnFailed: Error, CustomStringConvertible {
        var description: String { "the database is away" }
    }

    @Test("a turn that fails is logged and the next turn comes; cancelling ends the loop")
    func failuresAreLoggedAndTheLoopGoesOn() async throws {
        let warnings = Warnings()
        let turns = Mutex(0)
        let thirdTurn = TestGate()
        let loop = Task {
            await runPeriodically(every: .milliseconds(1), logger: warnings.logger, failure: "Sweep failed") {
                let turn = turns.withLock { turns in
                    turns += 1
                    return turns
                }
                if turn == 3 { thirdTurn.open() }
                if turn == 1 { throw TurnFailed() }
            }
        }
        try await withTimeout(.seconds(60), "the third turn") { try await thirdTurn.wait() }
        loop.cancel()
        try await withTimeout(.seconds(60), "the loop to end once cancelled") { await loop.value }
        #expect(warnings.lines.withLock { $0 } == ["Sweep failed the database is away"])
        #expect(turns.withLock { $0 } >= 3)
    }
}
