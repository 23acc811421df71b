import Foundation
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// The durability barrier against a real database that is killed and restarted on the same storage: its own
/// SecantusDB, so the test run's shared one is never disturbed.
@Suite("The durability barrier against a database killed and restarted")
struct DatabaseDurabilityTests {
    struct Server {
        let port: Int
        let storage: URL
        let process: Process

        /// Starts the server and returns once it logs that it listens (stack.sh waits for the same line).
        static func start(port: Int, storage: URL) async throws -> Server {
            let process = Process()
            process.executableURL = TestStack.repositoryRoot.appendingPathComponent(".venv/bin/secantusd-py")
            process.arguments = [
                "--host", "127.0.0.1", "--port", String(port), "--standalone", "--storage-path", storage.path,
            ]
            let log = Pipe()
            process.standardOutput = log
            process.standardError = log
            let listening = AsyncStream.makeStream(of: Void.self)
            let seen = Mutex("")
            log.fileHandleForReading.readabilityHandler = { handle in
                let chunk = handle.availableData
                let heard = seen.withLock { text in
                    text += String(decoding: chunk, as: UTF8.self)
                    return text.contains("secantus listening on")
                }
                if heard || chunk.isEmpty {
                    handle.readabilityHandler = nil
                    listening.continuation.finish()
                }
            }
            try process.run()
            try await withTimeout(.seconds(60), "the database to listen") {
                for await _ in listening.stream {}
            }
            guard seen.withLock({ $0.contains("secantus listening on") }) else {
                throw TestTimeout(what: "the database to listen; it printed: \(seen.withLock { $0 })")
            }
            return Server(port: port, storage: storage, process: process)
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    struct Note: Codable, Sendable {
        var _id: Int
        var text: String
    }

    func connect(_ port: Int) async throws -> SwitchboardDatabase {
        var configuration = MongoConfiguration(
            uri: "mongodb://127.0.0.1:\(port)/?retryWrites=false", database: "durability")
        configuration.serverSelectionTimeout = .seconds(2)
        let database = SwitchboardDatabase(
            client: try MongoClient(configuration: configuration, logger: TestStack.logger("durability")))
        try await database.client.ping()
        return database
    }

    @Test("writes before the barrier survive a SIGKILL; after the restart the old epoch is refused")
    func barrierSurvivesKill() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent(TestStack.uniqueName("durable"))
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: storage) }
        let port = try DaemonProcesses.freePort()
        var server = try await Server.start(port: port, storage: storage)
        defer { server.kill() }
        let database = try await connect(port)
        let notes = database.client.collection("notes", as: Note.self)

        let before = try await database.epoch()
        #expect(!before.isEmpty)
        #expect(try await database.epoch() == before)
        for batch in 0..<20 {
            _ = try await notes.insertMany((0..<50).map { Note(_id: batch * 50 + $0, text: "n") })
        }
        try await database.makeDurable(since: before)
        server.kill()

        server = try await Server.start(port: port, storage: storage)
        let reopened = try await connect(port)
        #expect(try await reopened.client.collection("notes", as: Note.self).count() == 1000)
        let after = try await reopened.epoch()
        #expect(after != before)
        await #expect(throws: WritesMayBeLost.self) { try await reopened.makeDurable(since: before) }
        try await reopened.makeDurable(since: after)
    }
}
