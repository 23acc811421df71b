import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import SwitchboardCore
import SwitchboardMongo
import SwitchboardObservability
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("the hand-over queue: transfers, limits, escalation, against the local database")
struct DeskQueueTests {
    static let password = "correct horse battery"

    func json(_ response: TestResponse) -> [String: Any] {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return object as? [String: Any] ?? [:]
    }

    func body(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    func signIn(_ client: some TestClientProtocol, _ agent: String) async throws -> HTTPFields {
        try await client.execute(
            uri: "/api/v1/agent/session", method: .post, headers: [.contentType: "application/json"],
            body: try body(["tenant_id": "demo", "agent_id": agent, "password": Self.password])
        ) { response in
            [
                .contentType: "application/json",
                .authorization: "Bearer \(try #require(json(response)["token"] as? String))",
            ]
        }
    }

    @Test("transfer to a colleague with a note, back to the queue, claim again: every change an event")
    func transfers() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        for agent in ["ann", "bob", "cid"] {
            _ = try await fixture.accounts.create(
                tenantId: "demo", agentId: agent, displayName: nil, role: .agent, password: Self.password)
        }
        let sink = RecordingSink()
        let app = fixture.application(sink: sink)
        let base = "/api/v1/agent/handovers/\(id)"

        try await app.test(.router) { client in
            let ann = try await signIn(client, "ann")
            let bob = try await signIn(client, "bob")
            let cid = try await signIn(client, "cid")
            try await client.execute(uri: "\(base)/claim", method: .post, headers: ann, body: try body([:])) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "\(base)/transfer", method: .post, headers: bob, body: try body(["to_agent_id": "bob"])
            ) { #expect($0.status == .conflict, "only the holder transfers") }
            try await client.execute(
                uri: "\(base)/transfer", method: .post, headers: ann, body: try body(["to_agent_id": "nobody"])
            ) { #expect($0.status == .notFound, "to an existing colleague only") }
            try await client.execute(
                uri: "\(base)/transfer", method: .post, headers: ann,
                body: try body(["to_agent_id": "bob", "note": "wants a refund, order AB123"])
            ) { response in
                #expect(response.status == .ok)
                #expect(json(response)["agent_id"] as? String == "bob")
                #expect(json(response)["note"] as? String == "wants a refund, order AB123")
                #expect(json(response)["previous_agent_id"] as? String == "ann")
            }
            #expect(try await fixture.session()?.owner == .human(agentId: "bob"))
            try await client.execute(
                uri: "\(base)/transfer", method: .post, headers: bob, body: try body(["note": "not my area"])
            ) { #expect(($0.status, json($0)["status"] as? String) == (.ok, "waiting")) }
            #expect(try await fixture.session()?.owner == .human(agentId: nil))
            try await client.execute(uri: "\(base)/claim", method: .post, headers: cid, body: try body([:])) {
                #expect(($0.status, json($0)["agent_id"] as? String) == (.ok, "cid"))
            }
            try await client.execute(uri: "\(base)/resolve", method: .post, headers: cid, body: try body([:])) {
                response in
                #expect(response.status == .ok)
                #expect((json(response)["wait_seconds"] as? Double ?? -1) >= 0)
                #expect((json(response)["handle_seconds"] as? Double ?? -1) >= 0)
            }
        }
        let events = sink.events(on: fixture.test.topics.events)
        #expect(
            events.map(\.type) == [
                .handoverClaimed, .handoverTransferred, .handoverReturnedToQueue, .handoverClaimed, .handoverEnded,
            ])
        #expect(Set(events.map(\.id)).count == events.count, "each change its own event id")
        #expect(events[1].details["note"] == "wants a refund, order AB123")
        #expect(events[2].details["previous_agent_id"] == "bob")
        #expect(events.last?.details["handle_seconds"] != nil)
        let stored = try #require(try await fixture.test.database.handovers.handover(tenantId: "demo", id: id))
        let times = try #require(
            try await fixture.test.database.client.collection("handovers", as: StoredTimes.self).findOne([
                "_id": .string(id)
            ]))
        // Computed before the dates were rounded to the database's milliseconds.
        #expect(abs((times.wait_seconds ?? -1) - (stored.waitTime ?? 0)) < 0.002)
        #expect(abs((times.handle_seconds ?? -1) - (stored.handleTime ?? 0)) < 0.002)
        #expect((times.wait_seconds ?? -1) >= 0 && (times.handle_seconds ?? -1) >= 0, "both are in the store")
    }

    @Test("an agent holding the tenant's maximum cannot claim or be given more; wait and handle times are metrics")
    func limitsAndMetrics() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let registry = PrometheusCollectorRegistry()
        let desk = HandoverDesk(
            database: fixture.test.database, sink: RecordingSink(), topics: fixture.test.topics,
            logger: fixture.test.logger, tenants: fixture.test.environment.tenants,
            metrics: HandoverMetrics(factory: MetricsBootstrap.makeFactory(registry: registry)))
        var ids: [String] = []
        for n in 0..<3 { ids.append(try await fixture.openSecondHandover(n)) }
        ids.insert(try await fixture.openHandover(), at: 0)
        // demo allows 2 per agent.
        _ = try await desk.claim(tenantId: "demo", id: ids[0], agentId: "ann")
        _ = try await desk.claim(tenantId: "demo", id: ids[1], agentId: "ann")
        _ = try await desk.claim(tenantId: "demo", id: ids[1], agentId: "ann")  // a retry is not a third
        await #expect(throws: HandoverDeskError.self) {
            try await desk.claim(tenantId: "demo", id: ids[2], agentId: "ann")
        }
        _ = try await desk.claim(tenantId: "demo", id: ids[2], agentId: "bob")
        await #expect(throws: HandoverDeskError.self) {
            try await desk.transfer(tenantId: "demo", id: ids[2], actor: "bob", to: "ann", note: nil)
        }
        _ = try await desk.resolve(tenantId: "demo", id: ids[0], agentId: "ann")
        _ = try await desk.transfer(tenantId: "demo", id: ids[2], actor: "bob", to: "ann", note: nil)

        let text = registry.emitToString()
        #expect(text.contains("switchboard_handover_wait_seconds_count 3"))
        #expect(text.contains("switchboard_handover_handle_seconds_count 1"))
        #expect(text.contains(#"switchboard_handover_transitions_total{transition="transferred"} 1"#))
    }
}

/// The queryable times of a stored hand-over.
struct StoredTimes: Codable, Sendable {
    var _id: String
    var wait_seconds: Double?
    var handle_seconds: Double?
}

extension HandoverFixture {
    /// Opens a hand-over of another session of another customer of the demo tenant; returns its id.
    func openSecondHandover(_ n: Int) async throws -> String {
        var envelope = inbound("agent please \(n)", from: "visitor-\(n)-\(UUID().uuidString.prefix(6))")
        envelope.customerId = "customer-\(n)-\(UUID().uuidString.prefix(6))"
        envelope.sessionId = UUIDv7Generator().next().uuidString.lowercased()
        envelope.sequence = 0
        envelope.annotations.handoverReason = .customerAskedForHuman
        try await test.database.sessions.insert(
            SessionRecord(
                id: envelope.sessionId!, tenantId: "demo", customerId: envelope.customerId!, startedAt: Date(),
                lastActivityAt: Date(), nextSequence: 1))
        _ = try await handler.handle(envelope, context: context)
        return HandoverHandler.handoverId(for: envelope)
    }
}
