import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStages

/// `switchboard agents`: the agent desk's accounts of a tenant, in MongoDB.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "Create, disable, enable, list desk accounts and reset their passwords.",
        discussion: """
            A password is read from standard input with --password-stdin (one line), or generated and printed \
            once; it is never taken as an argument, where other users could read it in the process list. \
            Exit codes: 0 ok, 1 no such account, 2 usage (an existing account, a weak password), 5 database.
            """,
        subcommands: [Create.self, Disable.self, Enable.self, ResetPassword.self, List.self],
        defaultSubcommand: List.self
    )

    struct Target: ParsableArguments {
        @Option(help: "The tenant id.") var tenant: String
        @Option(help: "The agent id: the sign-in name, also shown on hand-overs.") var agent: String
    }

    struct PasswordSource: ParsableArguments {
        @Flag(help: "Read the password from one line of standard input instead of generating one.")
        var passwordStdin = false

        /// The password, and whether it was generated (and so must be printed).
        func password() throws -> (String, generated: Bool) {
            guard passwordStdin else { return (Self.generate(), true) }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIFailure.usage("--password-stdin: no password on standard input")
            }
            return (line, false)
        }

        /// 16 characters from an alphabet without look-alikes: about 90 bits.
        static func generate() -> String {
            let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            var generator = SystemRandomNumberGenerator()
            return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        }
    }

    /// The accounts of the database in the environment's settings.
    static func accounts(_ context: OperatorContext) async throws -> DeskAccounts {
        let database = try await context.database()
        return DeskAccounts(
            accounts: database.agentAccounts, sessions: database.agentSessions, logger: context.logger)
    }

    /// Runs an account operation, mapping its refusals to exit codes.
    static func run<T>(_ context: OperatorContext, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as DeskAccountError {
            if refusal.kind == .notFound { throw CLIFailure.notFound(refusal.reason) }
            throw CLIFailure.usage(refusal.reason)
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            return try await context.query { throw error }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an account.")

        @OptionGroup var target: Target
        @Option(help: "agent or supervisor.") var role: String = AgentRole.agent.rawValue
        @Option(help: "The name colleagues see (default: the agent id).") var name: String?
        @OptionGroup var source: PasswordSource

        func run() async throws {
            guard let role = AgentRole(rawValue: role) else {
                throw CLIFailure.usage("--role must be agent or supervisor")
            }
            let (password, generated) = try source.password()
            let context = try OperatorContext()
            let accounts = try await AgentsCommand.accounts(context)
            let account = try await AgentsCommand.run(context) {
                try await accounts.create(
                    tenantId: target.tenant, agentId: target.agent, displayName: name, role: role, password: password)
            }
            printLine("created \(account.role) \(account.agentId) in tenant \(account.tenantId)")
            if generated { printLine("password: \(password)") }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable", abstract: "Disable an account and sign it out everywhere.")

        @OptionGroup var target: Target

        func run() async throws {
            let context = try OperatorContext()
            let accounts = try await AgentsCommand.accounts(context)
            _ = try await AgentsCommand.run(context) {
                try await accounts.setDisabled(true, tenantId: target.tenant, agentId: target.agent)
            }
            printLine("disabled \(target.agent) in tenant \(target.tenant)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled account.")

        @OptionGroup var target: Target

        func run() async throws {
            let context = try OperatorContext()
            let accounts = try await AgentsCommand.accounts(context)
            _ = try await AgentsCommand.run(context) {
                try await accounts.setDisabled(false, tenantId: target.tenant, agentId: target.agent)
            }
            printLine("enabled \(target.agent) in tenant \(target.tenant)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password, lift a lockout and sign the account out everywhere.")

        @OptionGroup var target: Target
        @OptionGroup var source: PasswordSource

        func run() async throws {
            let (password, generated) = try source.password()
            let context = try OperatorContext()
            let accounts = try await AgentsCommand.accounts(context)
            _ = try await AgentsCommand.run(context) {
                try await accounts.resetPassword(tenantId: target.tenant, agentId: target.agent, password: password)
            }
            printLine("password of \(target.agent) in tenant \(target.tenant) reset")
            if generated { printLine("password: \(password)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a tenant's accounts.")

        @Option(help: "The tenant id.") var tenant: String

        func run() async throws {
            let context = try OperatorContext()
            let accounts = try await AgentsCommand.accounts(context)
            let list = try await AgentsCommand.run(context) { try await accounts.list(tenantId: tenant) }
            guard !list.isEmpty else {
                printLine("no desk accounts in tenant \(tenant)")
                return
            }
            printLine("AGENT                    ROLE        STATE     NAME")
            for account in list {
                let state =
                    account.disabled
                    ? "disabled" : (account.lockedUntil.map { $0 > Date() } == true ? "locked" : "active")
                printLine(
                    [
                        account.agentId.padding(toLength: 24, withPad: " ", startingAt: 0),
                        account.role.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0),
                        state.padding(toLength: 9, withPad: " ", startingAt: 0), account.displayName,
                    ].joined(separator: " "))
            }
        }
    }
}
