import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
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

/// The throttle over a live socket: the daemon's application gives the sign-in route the peer's address.
@Suite("desk sign-in throttle on a live socket, against the local database")
struct DeskSignInThrottleLiveTests {
    @Test("after the free failures from 127.0.0.1, sign-ins from it get 429 with Retry-After")
    func liveSocket() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let accounts = DeskAccounts(
            accounts: fixture.test.database.agentAccounts, sessions: fixture.test.database.agentSessions,
            hasher: BcryptPasswordHasher(cost: 4), throttle: DeskSignInThrottle(policy: .init(freeFailures: 2)),
            logger: fixture.test.logger)
        let password = "correct horse battery"
        _ = try await accounts.create(
            tenantId: "demo", agentId: "ann", displayName: nil, role: .agent, password: password)
        let app = HumanHandoverDaemon.makeApplication(
            api: AgentAPI(
                desk: fixture.desk(sink: RecordingSink()), accounts: accounts,
                secrets: TenantSecrets(tenantIds: ["demo"], environment: [:]), logger: fixture.test.logger),
            ops: OpsEndpoints(registry: fixture.test.environment.metrics, checks: []), host: "127.0.0.1", port: 0,
            logger: fixture.test.logger)
        @Sendable func body(_ agent: String, _ password: String) throws -> ByteBuffer {
            ByteBuffer(
                bytes: try JSONSerialization.data(
                    withJSONObject: ["tenant_id": "demo", "agent_id": agent, "password": password]))
        }
        try await app.test(.live) { client in
            for agent in ["ann", "bob", "cy"] {
                try await client.execute(
                    uri: AgentAPI.sessionPath, method: .post, headers: [.contentType: "application/json"],
                    body: try body(agent, "wrong password!")
                ) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(
                uri: AgentAPI.sessionPath, method: .post, headers: [.contentType: "application/json"],
                body: try body("ann", password)
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter].flatMap { Int($0) } ?? 0 > 0)
            }
        }
    }
}
