public import Foundation

/// Where the real local servers for this test run are.
///
/// The test command (`make test`, through `deploy/local/test.sh`) starts Tansu and SecantusDB on free
/// loopback ports and exports their addresses; tests read them here and fail with a clear message when
/// they are missing, rather than skipping silently.
public enum TestStack {
    /// `host:port` of the Kafka-protocol broker (Tansu) started for this test run.
    public static var kafkaBrokers: String {
        get throws { try value("SWITCHBOARD_TEST_KAFKA_BROKERS") }
    }

    /// `mongodb://` URI of the MongoDB-protocol server (SecantusDB) started for this test run.
    public static var mongoURI: String {
        get throws { try value("SWITCHBOARD_TEST_MONGO_URI") }
    }

    /// The repository root, for tests that run the project's executables or scripts.
    public static var repositoryRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }

    /// The project's `shared/` folder (fixtures, NLP data), which lives beside the repository — also in CI's
    /// clean clone. `SWITCHBOARD_SHARED_DIR` overrides it.
    public static var sharedFolder: URL {
        if let path = ProcessInfo.processInfo.environment["SWITCHBOARD_SHARED_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The shared channel webhook fixtures.
    public static var channelFixtures: URL {
        sharedFolder.appendingPathComponent("fixtures/channels")
    }

    /// A name no other test in this run uses: topic prefixes, group ids, database names.
    /// Keeps libmongoc from printing "Falling back to malloc for counters" in a child process (the stack
    /// script exports the same): its load-time init makes a `/dev/shm/mongoc-<pid>` file that a killed
    /// process leaves behind, and a later process given the same pid (pid_max is 32768 here) warns on stderr.
    public static let libmongocQuiet = ["MONGOC_DISABLE_SHM": "1"]

    public static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return "\(prefix)-\(suffix)"
    }

    private static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw MissingStack(variable: name)
        }
        return value
    }
}

/// Thrown when a test that needs the real local servers runs outside the test command.
public struct MissingStack: Error, CustomStringConvertible {
    public let variable: String
    public var description: String {
        "\(variable) is not set: run the tests with `make test`, which starts the local broker and database"
    }
}
