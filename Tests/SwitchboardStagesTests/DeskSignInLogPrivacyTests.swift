import Foundation
import Logging
import Prometheus
import SwitchboardCore
import SwitchboardObservability
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStages

extension DeskSignInThrottleTests {
    @Test("a throttled address is logged as its digest, never in clear")
    func throttledAddressIsLoggedAsADigest() async throws {
        let records = LogRecords()
        let clock = clock
        let accounts = DeskAccounts(
            accounts: accountStore, sessions: InMemoryAgentSessions(), hasher: BcryptPasswordHasher(cost: 4),
            throttle: throttle, metrics: DeskMetrics(factory: MetricsBootstrap.makeFactory(registry: registry)),
            logger: records.logger(label: "human-handover"), now: { clock.now })
        let address = "198.51.100.77"
        for _ in 0..<5 {
            _ = try? await accounts.signIn(
                tenantId: "demo", agentId: "nobody", password: "wrong password!", clientAddress: address)
        }
        let throttled = records.atOrAbove(.notice).filter { $0.metadata[LogKeys.clientAddressDigest] != nil }
        #expect(!throttled.isEmpty, "the throttle is logged")
        #expect(throttled.allSatisfy { $0.metadata[LogKeys.clientAddressDigest] == LogPrivacy.addressDigest(address) })
        #expect(records.all.allSatisfy { !$0.description.contains(address) }, "\(records.all)")
    }
}
