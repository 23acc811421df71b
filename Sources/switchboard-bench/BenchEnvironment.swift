import Foundation
import Logging
import SwitchboardMongo
import SwitchboardStages

/// What the commands that drive the running daemons share: where channel-webhook is, the tenant's
/// secrets, the database, the conditions line every figure is printed with.
enum BenchEnvironment {
    static var variables: [String: String] { ProcessInfo.processInfo.environment }

    /// `--webhook`, else `$SWITCHBOARD_WEBHOOK_URL`, else the local default.
    static func webhookBase(_ option: String?) -> String {
        option ?? variables["SWITCHBOARD_WEBHOOK_URL"] ?? "http://127.0.0.1:8080"
    }

    /// The tenant's credential `name` (e.g. `API_KEY`), or a usage failure naming the variable to set.
    static func credential(_ name: String, tenant: String) throws -> String {
        let secrets: TenantSecrets
        do {
            secrets = try TenantSecrets.load(tenantIds: [tenant], environment: variables, otherTenantsAllowed: true)
        } catch {
            throw BenchFailure.usage(error.description)
        }
        guard let value = secrets.credential(name, tenantId: tenant) else {
            throw BenchFailure.usage(
                "set \(TenantSecrets.variableStem(for: tenant))_\(name) (deploy/local/daemons.sh env prints it)")
        }
        return value
    }

    /// channel-webhook answers `/health/ready`, or exit 2 saying how to start it.
    static func checkReady(_ pool: HTTPPool, base: String) async throws {
        let answer = await pool.get("/health/ready")
        guard answer.status == 200 else {
            throw BenchFailure.usage(
                "channel-webhook at \(base) is not ready (start the stack and daemons: deploy/local/bench.sh)")
        }
    }

    /// The pipeline's database after a ping.
    static func database() async throws -> MongoClient {
        var logger = Logger(label: "switchboard-bench")
        logger.logLevel = .critical
        do {
            let client = try MongoClient(configuration: try MongoConfiguration(environment: variables), logger: logger)
            try await client.ping()
            return client
        } catch {
            throw BenchFailure.usage("MongoDB at $SWITCHBOARD_MONGO_URI unreachable: \(error)")
        }
    }

    /// `debug build, 2 cores`: the conditions every figure is printed with.
    static var machine: String {
        #if DEBUG
            let build = "debug build"
        #else
            let build = "release build"
        #endif
        return "\(build), \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }
}
