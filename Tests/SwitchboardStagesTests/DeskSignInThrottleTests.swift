import Foundation
import Logging
import Prometheus
import SwitchboardCore
import SwitchboardObservability
import Testing

@testable import SwitchboardStages

@Suite("desk sign-ins throttled per client address across accounts (in memory, controllable clock)")
struct DeskSignInThrottleTests {
    let clock = TestClock()
    let accountStore = InMemoryAgentAccounts()
    let registry = PrometheusCollectorRegistry()
    let password = "correct horse battery"
    let throttle = DeskSignInThrottle(policy: .init(freeFailures: 3, baseDelay: 30, maximumDelay: 900, window: 900))

    var accounts: DeskAccounts {
        let clock = clock
        return DeskAccounts(
            accounts: accountStore, sessions: InMemoryAgentSessions(), hasher: BcryptPasswordHasher(cost: 4),
            throttle: throttle, metrics: DeskMetrics(factory: MetricsBootstrap.makeFactory(registry: registry)),
            logger: Logger(label: "desk-throttle-tests"), now: { clock.now })
    }

    func metric(_ series: String) -> String? {
        registry.emitToString().split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .map { String($0.split(separator: " ").last ?? "") }
    }

    func signIn(_ agent: String, _ password: String, from address: String?) async -> DeskAccountError? {
        do {
            _ = try await accounts.signIn(tenantId: "demo", agentId: agent, password: password, clientAddress: address)
            return nil
        } catch let error as DeskAccountError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test("one address guessing at many accounts is refused before any account is checked; others are not")
    func spray() async throws {
        for agent in ["ann", "bob", "cy"] {
            _ = try await accounts.create(
                tenantId: "demo", agentId: agent, displayName: nil, role: .agent, password: password)
        }
        let sprayer = "198.51.100.7"
        // One wrong password per account: no account reaches its own lockout.
        for agent in ["ann", "bob", "cy"] {
            #expect(await signIn(agent, "wrong password!", from: sprayer)?.kind == .badCredentials)
        }
        #expect(await signIn("nobody", "wrong password!", from: sprayer)?.kind == .badCredentials)
        #expect(metric("switchboard_desk_address_throttles_total") == "1")

        // Now even the right password is refused from that address, with when to come back.
        let refused = await signIn("ann", password, from: sprayer)
        #expect(refused?.kind == .locked)
        #expect(refused?.retryAfter == clock.now.addingTimeInterval(30))
        #expect(metric(#"switchboard_desk_sign_ins_total{result="address_throttled"}"#) == "1")
        #expect(try await accounts.account(tenantId: "demo", agentId: "ann").failedSignIns == 1, "not checked")

        // Ann at another address, and a request without a known address, are not affected.
        #expect(await signIn("ann", password, from: "203.0.113.9") == nil)
        #expect(await signIn("bob", password, from: nil) == nil)

        // After the block the address may try again; a success does not clear its count, so the next
        // failure blocks it at once, for twice as long.
        clock.advance(31)
        #expect(await signIn("cy", password, from: sprayer) == nil)
        #expect(await signIn("cy", "wrong password!", from: sprayer)?.kind == .badCredentials)
        #expect(await signIn("cy", password, from: sprayer)?.retryAfter == clock.now.addingTimeInterval(60))
    }
}
