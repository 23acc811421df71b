import Foundation
import SwitchboardTestSupport
import Testing

/// Runs the real `switchboard check-librdkafka` against Debian's librdkafka 2.0.2 and the newer one.
@Suite("librdkafka version check at start-up")
struct LibraryVersionProcessTests {
    /// The `switchboard` executable built beside the test bundle.
    var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "switchboard")
    }

    func run(libraryPath: String?) async throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["LD_LIBRARY_PATH"] = libraryPath
        return try await ChildProcess.run(executable, ["check-librdkafka"], environment: environment)
    }

    @Test func debiansLibrdkafka2_0_2IsRejectedWithOneClearLine() async throws {
        let (status, output) = try await run(libraryPath: nil)
        #expect(status == 3)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(output.contains("librdkafka 2.0.2 is loaded but Switchboard needs 2.2.0 or newer"))
        #expect(output.contains("LD_LIBRARY_PATH"))
    }

    @Test func theNewerLibraryOnTheLibraryPathIsAccepted() async throws {
        let libraryPath = TestStack.repositoryRoot.appendingPathComponent(".local/lib").path
        let (status, output) = try await run(libraryPath: libraryPath)
        #expect(status == 0, "\(output)")
        #expect(output.contains("supported"))
    }
}
