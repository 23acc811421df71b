import SwitchboardStages

/// A failure the CLI reports as one line on standard error and an exit code scripts can test.
struct CLIFailure: Error, CustomStringConvertible {
    /// 0 ok, 1 not found, 2 usage, 4 broker unreachable, 5 database unreachable.
    var exitCode: Int32
    var message: String
    var description: String { message }

    static func notFound(_ message: String) -> CLIFailure { CLIFailure(exitCode: 1, message: message) }
    static func usage(_ message: String) -> CLIFailure { CLIFailure(exitCode: 2, message: message) }

    /// The longest span an option in seconds takes (ten years): far back enough for any retention, and
    /// small enough that the dates and milliseconds derived from it cannot overflow.
    static let longestSeconds: Double = 315_360_000

    /// Refuses a whole-number option outside `range` as a usage error, before anything connects.
    static func check(_ option: String, _ value: Int, in range: ClosedRange<Int>) throws(CLIFailure) {
        guard range.contains(value) else {
            let bounds =
                range.upperBound == .max
                ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw usage("\(option) must be \(bounds), not \(value)")
        }
    }

    /// Refuses an option in seconds that is not a number from 0 to ``longestSeconds`` (NaN, infinity,
    /// negative) as a usage error, before anything connects.
    static func checkSeconds(_ option: String, _ value: Double) throws(CLIFailure) {
        guard (0...longestSeconds).contains(value) else {
            throw usage("\(option) must be seconds from 0 to \(Int(longestSeconds)), not \(value)")
        }
    }

    static func broker(_ brokers: String, _ error: any Error) -> CLIFailure {
        CLIFailure(
            exitCode: 4,
            message: "broker at \(brokers) unreachable: \(error) "
                + "(check SWITCHBOARD_KAFKA_BROKERS and that the broker is running)")
    }

    static func database(_ uri: String, _ error: any Error) -> CLIFailure {
        CLIFailure(
            exitCode: 5,
            message: "database at \(uri) unreachable: \(error) "
                + "(check SWITCHBOARD_MONGO_URI and that the database is running)")
    }
}

extension TenantSecrets {
    /// One tenant's secrets for a command: from the environment and the tenant secrets file, if one is set.
    static func forCommand(tenant: String, environment: [String: String]) throws(CLIFailure) -> TenantSecrets {
        do {
            return try TenantSecrets.load(tenantIds: [tenant], environment: environment, otherTenantsAllowed: true)
        } catch {
            throw CLIFailure.usage(error.description)
        }
    }
}
