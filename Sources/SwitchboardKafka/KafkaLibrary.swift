internal import CRdKafka

/// The librdkafka actually loaded at run time (not the headers built against).
public enum KafkaLibrary {
    /// The oldest librdkafka Switchboard runs with: 2.0.x mis-skips tagged fields in ApiVersions replies
    /// (librdkafka #4278, fixed in 2.2.0) and cannot talk to brokers that send them, such as Tansu.
    public static let minimumVersion = KafkaLibraryVersion(major: 2, minor: 2, patch: 0)

    /// The version of the loaded library.
    public static var loadedVersion: KafkaLibraryVersion {
        KafkaLibraryVersion(packed: UInt32(truncatingIfNeeded: rd_kafka_version()))
    }

    /// Throws `unsupportedLibrary` with one clear line when the loaded librdkafka is older than 2.2.0.
    public static func requireSupportedVersion() throws {
        try check(loadedVersion)
    }

    /// The check itself, separate from the loaded library so that it is unit-testable.
    public static func check(_ version: KafkaLibraryVersion) throws {
        guard version >= minimumVersion else {
            throw KafkaError(
                code: .unsupportedLibrary,
                reason: "librdkafka \(version) is loaded but Switchboard needs \(minimumVersion) or newer "
                    + "(older versions mis-read broker ApiVersions replies, librdkafka #4278): put a newer "
                    + "librdkafka.so.1 first on LD_LIBRARY_PATH, e.g. run deploy/local/setup.sh and "
                    + "`eval \"$(deploy/local/stack.sh env)\"`, which use the one in the confluent-kafka wheel",
                isRetriable: false
            )
        }
    }
}

/// A librdkafka version, comparable.
public struct KafkaLibraryVersion: Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// From librdkafka's packed `0xMMmmrrxx` form.
    public init(packed: UInt32) {
        self.init(major: Int(packed >> 24 & 0xff), minor: Int(packed >> 16 & 0xff), patch: Int(packed >> 8 & 0xff))
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}
