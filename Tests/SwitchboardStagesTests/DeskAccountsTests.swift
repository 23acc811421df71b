import Foundation
import Logging
import Prometheus
import SwitchboardCore
import SwitchboardObservability
import Testing

@testable import SwitchboardStages

@Suite("desk accounts, sign-in tokens and lockout (in memory, controllable clock)")
struct DeskAccountsTests {
    let clock = TestClock()
    let accountStore = InMemoryAgentAccounts()
    let sessionStore = InMemoryAgentSessions()
    let registry = PrometheusCollectorRegistry()
    let password = "correct horse battery"

    var accounts: DeskAccounts {
        let clock = clock
        return DeskAccounts(
            accounts: accountStore, sessions: sessionStore, hasher: BcryptPasswordHasher(cost: 4),
            sessionLifetime: 3600, metrics: DeskMetrics(factory: MetricsBootstrap.makeFactory(registry: registry)),
            logger: Logger(label: "desk-tests"), now: { clock.now })
    }

    /// The value of one metric line, e.g. `switchboard_desk_sign_ins_total{result="success"}`.
    func metric(_ series: String) -> String? {
        registry.emitToString().split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .map { String($0.split(separator: " ").last ?? "") }
    }

    func expectRefusal(_ kind: DeskAccountError.Kind, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(kind)")
        } catch let error as DeskAccountError {
            #expect(error.kind == kind)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("create stores a bcrypt hash, never the password; a duplicate or weak password is refused")
    func create() async throws {
        let account = try await accounts.create(
            tenantId: "demo", agentId: "ann", displayName: "Ann", role: .agent, password: password)
        #expect(account.passwordHash.hasPrefix("$2b$04$"))
        #expect(!account.passwordHash.contains(password))
        #expect(try await accounts.list(tenantId: "demo").map(\.agentId) == ["ann"])
        #expect(try await accounts.list(tenantId: "night").isEmpty)
        await expectRefusal(.exists) {
            _ = try await accounts.create(
                tenantId: "demo", agentId: "ann", displayName: nil, role: .agent, password: password)
        }
        await expectRefusal(.invalid) {
            _ = try await accounts.create(
                tenantId: "demo", agentId: "bob", displayName: nil, role: .agent, password: "short")
        }
        await expectRefusal(.invalid) {
            _ = try await accounts.create(
                tenantId: "demo", agentId: "bad id", displayName: nil, role: .agent, password: password)
        }
    }

    @Test("a sign-in gives a random token stored only as its hash, valid until it expires or is signed out")
    func tokens() async throws {
        _ = try await accounts.create(
            tenantId: "demo", agentId: "ann", displayName: nil, role: .supervisor, password: password)
        let first = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: password)
        let second = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: password)
        #expect(first.token != second.token)
        #expect(first.token.count == 43)
        #expect(sessionStore.all.allSatisfy { $0.tokenHash != first.token && $0.tokenHash != second.token })
        #expect(
            try await accounts.principal(token: first.token)
                == .person(tenantId: "demo", agentId: "ann", role: .supervisor))
        #expect(try await accounts.principal(token: "not-a-token") == nil)

        try await accounts.signOut(token: first.token)
        #expect(try await accounts.principal(token: first.token) == nil, "signed out")
        #expect(try await accounts.principal(token: second.token) != nil, "the other sign-in stays")

        clock.advance(3601)
        #expect(try await accounts.principal(token: second.token) == nil, "expired")
        #expect(metric(#"switchboard_desk_sign_ins_total{result="success"}"#) == "2")
        #expect(metric("switchboard_desk_sign_outs_total") == "1")
    }

    @Test("unknown tenant, unknown agent and a wrong password fail alike")
    func badCredentials() async throws {
        _ = try await accounts.create(
            tenantId: "demo", agentId: "ann", displayName: nil, role: .agent, password: password)
        for (tenant, agent, secret) in [
            ("night", "ann", password), ("demo", "nobody", password), ("demo", "ann", "wrong password!"),
        ] {
            await expectRefusal(.badCredentials) {
                _ = try await accounts.signIn(tenantId: tenant, agentId: agent, password: secret)
            }
        }
        #expect(metric(#"switchboard_desk_sign_ins_total{result="bad_credentials"}"#) == "3")
    }

    @Test("repeated failures lock the account with backoff, even against the right password; it unlocks later")
    func lockout() async throws {
        _ = try await accounts.create(
            tenantId: "demo", agentId: "ann", displayName: nil, role: .agent, password: password)
        for _ in 0..<5 {
            await expectRefusal(.badCredentials) {
                _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: "wrong password!")
            }
        }
        #expect(metric("switchboard_desk_lockouts_total") == "1")
        do {
            _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: password)
            Issue.record("a locked account signed in")
        } catch let error as DeskAccountError {
            #expect(error.kind == .locked)
            #expect(error.retryAfter == clock.now.addingTimeInterval(30))
        }
        #expect(metric(#"switchboard_desk_sign_ins_total{result="locked"}"#) == "1")

        clock.advance(31)
        await expectRefusal(.badCredentials) {
            _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: "wrong password!")
        }
        #expect(
            try await accounts.account(tenantId: "demo", agentId: "ann").lockedUntil == clock.now.addingTimeInterval(60)
        )

        clock.advance(61)
        _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: password)
        let account = try await accounts.account(tenantId: "demo", agentId: "ann")
        #expect(account.failedSignIns == 0 && account.lockedUntil == nil, "a success resets the count")
    }

    @Test("disabling signs the account out and refuses its sign-ins; a reset password lifts the lock and revokes")
    func disableAndReset() async throws {
        _ = try await accounts.create(
            tenantId: "demo", agentId: "ann", displayName: nil, role: .agent, password: password)
        let signIn = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: password)
        _ = try await accounts.setDisabled(true, tenantId: "demo", agentId: "ann")
        #expect(try await accounts.principal(token: signIn.token) == nil)
        await expectRefusal(.badCredentials) {
            _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: password)
        }
        #expect(metric(#"switchboard_desk_sign_ins_total{result="disabled"}"#) == "1")
        _ = try await accounts.setDisabled(false, tenantId: "demo", agentId: "ann")

        let again = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: password)
        for _ in 0..<5 {
            _ = try? await accounts.signIn(tenantId: "demo", agentId: "ann", password: "wrong password!")
        }
        _ = try await accounts.resetPassword(tenantId: "demo", agentId: "ann", password: "a brand new secret")
        #expect(try await accounts.principal(token: again.token) == nil, "a reset signs out everywhere")
        await expectRefusal(.badCredentials) {
            _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: password)
        }
        _ = try await accounts.signIn(tenantId: "demo", agentId: "ann", password: "a brand new secret")
        await expectRefusal(.notFound) {
            _ = try await accounts.resetPassword(tenantId: "night", agentId: "ann", password: "a brand new secret")
        }
    }
}
