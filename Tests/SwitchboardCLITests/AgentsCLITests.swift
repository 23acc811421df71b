import Foundation
import Logging
import SwitchboardCore
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// `switchboard agents` against the real local database, run as the built binary.
@Suite struct AgentsCLITests {
    let cli: CLIProcess
    let mongo: MongoConfiguration

    init() throws {
        let name = TestStack.uniqueName("agents-cli").replacingOccurrences(of: "-", with: "_")
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_MONGO_URI"] = try TestStack.mongoURI
        environment["SWITCHBOARD_MONGO_DATABASE"] = name
        cli = CLIProcess(environment: environment)
        mongo = MongoConfiguration(uri: try TestStack.mongoURI, database: name)
    }

    @Test func createListDisableAndResetThroughTheCLI() async throws {
        let database = try await SwitchboardDatabase.connect(configuration: mongo, logger: Logger(label: "agents-cli"))
        defer { Task { try? await database.client.dropDatabase() } }
        let accounts = DeskAccounts(
            accounts: database.agentAccounts, sessions: database.agentSessions, logger: Logger(label: "agents-cli"))

        let created = try await cli.run(
            ["agents", "create", "--tenant", "demo", "--agent", "ann", "--role", "supervisor", "--password-stdin"],
            input: "a long enough password\n")
        #expect(created.status == 0, "\(created.error)")
        #expect(created.output.contains("created supervisor ann in tenant demo"))
        #expect(!created.output.contains("a long enough password"), "a given password is never printed")
        _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: "a long enough password")

        // Without --password-stdin a password is generated and printed once; it signs in.
        let generated = try await cli.run(["agents", "create", "--tenant", "demo", "--agent", "bob"])
        #expect(generated.status == 0, "\(generated.error)")
        let password = try #require(
            generated.output.split(separator: "\n").first { $0.hasPrefix("password: ") }?.dropFirst(10))
        #expect(password.count == 16)
        _ = try await accounts.signIn(tenantId: "demo", agentId: "bob", password: String(password))

        let again = try await cli.run(["agents", "create", "--tenant", "demo", "--agent", "ann"])
        #expect(again.status == 2)
        #expect(again.error.contains("already has an account"))
        let weak = try await cli.run(
            ["agents", "create", "--tenant", "demo", "--agent", "cid", "--password-stdin"], input: "short\n")
        #expect(weak.status == 2)

        #expect(try await cli.run(["agents", "disable", "--tenant", "demo", "--agent", "bob"]).status == 0)
        let list = try await cli.run(["agents", "list", "--tenant", "demo"])
        #expect(list.status == 0)
        #expect(list.output.contains("ann") && list.output.contains("supervisor"))
        #expect(list.output.split(separator: "\n").contains { $0.hasPrefix("bob") && $0.contains("disabled") })
        #expect(!list.output.contains("$2"), "no password hash is shown")
        await #expect(throws: DeskAccountError.self) {
            try await accounts.signIn(tenantId: "demo", agentId: "bob", password: String(password))
        }

        let reset = try await cli.run(
            ["agents", "reset-password", "--tenant", "demo", "--agent", "ann", "--password-stdin"],
            input: "another long password\n")
        #expect(reset.status == 0, "\(reset.error)")
        _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: "another long password")
        let unknown = try await cli.run(["agents", "disable", "--tenant", "night", "--agent", "ann"])
        #expect(unknown.status == 1, "another tenant's account does not exist here")
    }
}
