import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// The agent API's typing route and the read receipt of a claim, against the local database, with the
/// broker's acknowledgements recorded and the desk's clock in the test's hands.
@Suite("agent API: typing indicators and read receipts")
struct AgentTypingAPITests {
    static let base = HandoverAgentAPITests.base

    /// The test tenants with the demo tenant's receipts as given.
    func tenants(read: Bool, typing: Bool) throws -> TenantDirectory {
        var tenants = try TenantDirectory(parsing: StageTestEnvironment.tenantsYAML).tenants
        for index in tenants.indices where tenants[index].id == "demo" {
            tenants[index].receipts = TenantReceiptSettings(read: read, typing: typing)
        }
        return try TenantDirectory(tenants: tenants)
    }

    func post(_ client: some TestClientProtocol, _ path: String, agent: String = "agent-1") async throws -> TestResponse
    {
        try await client.execute(
            uri: "\(Self.base)/\(path)", method: .post, headers: HandoverAgentAPITests().headers(),
            body: try HandoverAgentAPITests().body(["agent_id": agent]))
    }

    @Test func aClaimReadsTheLatestMessageAndTypingIsOnePerFiveSeconds() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        let latest = try await fixture.storeInbound("are you there?", sequence: 1)
        let sink = RecordingSink()
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let app = fixture.application(
            sink: sink, tenants: try tenants(read: true, typing: true), now: { clock.withLock { $0 } })
        let outbound = fixture.test.topics.outbound
        let signals: @Sendable () -> [Envelope] = {
            sink.envelopes(on: outbound).filter { $0.kind == .senderAction }
        }

        try await app.test(.router) { client in
            // Typing before the claim is refused: only the agent holding it writes.
            #expect(try await post(client, "\(id)/typing").status == .conflict)
            #expect(try await post(client, "\(id)/claim").status == .ok)
            let read = try #require(signals().first)
            #expect(signals().count == 1)
            #expect(read.senderActions == [.read])
            #expect(read.replyTo == latest.id)
            #expect(read.sender == .agent(id: "agent-1"))
            #expect(read.externalId == latest.externalId)
            #expect(read.customerId == fixture.customerId)

            let first = try await post(client, "\(id)/typing")
            #expect(first.status == .accepted)
            #expect(HandoverAgentAPITests().json(first)["sent"] as? Bool == true)
            // Within 5 s: accepted, nothing produced.
            clock.withLock { $0 += 4 }
            let soon = try await post(client, "\(id)/typing")
            #expect(soon.status == .accepted)
            #expect(HandoverAgentAPITests().json(soon)["sent"] as? Bool == false)
            clock.withLock { $0 += 1 }
            #expect(HandoverAgentAPITests().json(try await post(client, "\(id)/typing"))["sent"] as? Bool == true)
            // Another agent may not show the holder typing.
            #expect(try await post(client, "\(id)/typing", agent: "agent-2").status == .conflict)
        }
        let typing = signals().dropFirst()
        #expect(typing.map(\.senderActions) == [[.typing], [.typing]])
        #expect(Set(typing.map(\.id)).count == 2)
        #expect(typing.allSatisfy { $0.replyTo == latest.id && $0.channel == latest.channel })
    }

    @Test func withReceiptsOffNothingIsProduced() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        let sink = RecordingSink()
        let app = fixture.application(sink: sink, tenants: try tenants(read: false, typing: false))
        try await app.test(.router) { client in
            #expect(try await post(client, "\(id)/claim").status == .ok)
            let typing = try await post(client, "\(id)/typing")
            #expect(typing.status == .accepted)
            #expect(HandoverAgentAPITests().json(typing)["sent"] as? Bool == false)
        }
        #expect(sink.envelopes(on: fixture.test.topics.outbound).filter { $0.kind == .senderAction }.isEmpty)
        #expect(!sink.events(on: fixture.test.topics.events).isEmpty, "the claim itself was produced")
    }
}
