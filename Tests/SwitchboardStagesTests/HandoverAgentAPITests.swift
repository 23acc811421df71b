import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("agent desk API against the local broker and database")
struct HandoverAgentAPITests {
    static let base = "/api/v1/agent/handovers"

    func headers(_ key: String? = HandoverFixture.agentKey) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return headers
    }

    func body(_ object: [String: String]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    /// The response's JSON object; empty when it is not one, so the expectations on it fail.
    func json(_ response: TestResponse) -> [String: Any] {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return object as? [String: Any] ?? [:]
    }

    @Test func theWholeDeskFlowClaimReadReplyResolve() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.ensureTopics()
        let id = try await fixture.openHandover()
        try await fixture.storeInbound("my order AB123456 never arrived", sequence: 1)
        let producer = try KafkaProducer(configuration: fixture.test.environment.kafka, logger: fixture.test.logger)
        let app = fixture.application(sink: producer)

        let messageId = try await app.test(.router) { client in
            // Listing: the waiting handover with the customer's latest message.
            try await client.execute(uri: Self.base, method: .get, headers: headers()) { response in
                #expect(response.status == .ok)
                let list = try #require(json(response)["handovers"] as? [[String: Any]])
                #expect(list.count == 1)
                #expect(list.first?["id"] as? String == id)
                #expect(list.first?["status"] as? String == "waiting")
                #expect(list.first?["session_id"] as? String == fixture.sessionId)
                #expect(list.first?["customer_id"] as? String == fixture.customerId)
                #expect(list.first?["reason"] as? String == "customer_asked_for_human")
                #expect(list.first?["last_customer_message"] as? String == "my order AB123456 never arrived")
            }

            // Replying before claiming is refused.
            try await client.execute(
                uri: "\(Self.base)/\(id)/reply", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1", "text": "hi"])
            ) { #expect($0.status == .conflict) }

            // Claim, claim again by the same agent (idempotent), claim by another agent (409).
            try await client.execute(
                uri: "\(Self.base)/\(id)/claim", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1"])
            ) { response in
                #expect(response.status == .ok)
                #expect(json(response)["status"] as? String == "claimed")
                #expect(json(response)["agent_id"] as? String == "agent-1")
            }
            try await client.execute(
                uri: "\(Self.base)/\(id)/claim", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1"])
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "\(Self.base)/\(id)/claim", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-2"])
            ) { response in
                #expect(response.status == .conflict)
                #expect(json(response)["error"] as? String == "handover is already claimed by another agent")
            }
            #expect(try await fixture.session()?.owner == .human(agentId: "agent-1"))
            try await client.execute(uri: "\(Self.base)?status=claimed", method: .get, headers: headers()) { response in
                #expect((json(response)["handovers"] as? [[String: Any]])?.count == 1)
            }

            // The session's messages in order.
            try await client.execute(uri: "\(Self.base)/\(id)/messages", method: .get, headers: headers()) { response in
                #expect(response.status == .ok)
                let messages = try #require(json(response)["messages"] as? [[String: Any]])
                #expect(
                    messages.compactMap { $0["text"] as? String } == [
                        "I want to talk to a person", "my order AB123456 never arrived",
                    ])
                #expect(messages.compactMap { $0["sequence"] as? Int } == [0, 1])
                #expect(
                    messages.allSatisfy {
                        $0["direction"] as? String == "inbound" && $0["sender"] as? String == "customer"
                    })
            }

            // A reply by another agent is refused; the claiming agent's is accepted once the broker has it,
            // and the same client message id gives the same message id.
            try await client.execute(
                uri: "\(Self.base)/\(id)/reply", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-2", "text": "hello"])
            ) { #expect($0.status == .conflict) }
            let reply = [
                "agent_id": "agent-1", "text": "Sorry about that, I am checking AB123456.", "client_message_id": "c-1",
            ]
            let first = try await client.execute(
                uri: "\(Self.base)/\(id)/reply", method: .post, headers: headers(), body: try body(reply)
            ) { response in
                #expect(response.status == .accepted)
                return try #require(json(response)["message_id"] as? String)
            }
            let second = try await client.execute(
                uri: "\(Self.base)/\(id)/reply", method: .post, headers: headers(), body: try body(reply)
            ) { json($0)["message_id"] as? String }
            #expect(first == second)

            // Resolve: the bot owns the session again and the handover is listed as resolved.
            try await client.execute(
                uri: "\(Self.base)/\(id)/resolve", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1"])
            ) { response in
                #expect(response.status == .ok)
                #expect(json(response)["status"] as? String == "resolved")
            }
            try await client.execute(
                uri: "\(Self.base)/\(id)/claim", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1"])
            ) { #expect($0.status == .conflict) }
            try await client.execute(uri: "\(Self.base)?status=resolved", method: .get, headers: headers()) {
                response in
                let list = try #require(json(response)["handovers"] as? [[String: Any]])
                #expect(list.map { $0["id"] as? String } == [id])
            }
            try await client.execute(uri: Self.base, method: .get, headers: headers()) { response in
                #expect((json(response)["handovers"] as? [[String: Any]])?.isEmpty == true)
            }
            return first
        }
        let session = try #require(try await fixture.session())
        #expect(session.owner == .bot)
        #expect(session.handover == nil)

        // The reply and the lifecycle events are on the broker.
        let topics = fixture.test.topics
        let reader = try KafkaConsumer(
            configuration: fixture.test.environment.kafka, groupID: TestStack.uniqueName("desk-reader"),
            topics: [topics.outbound, topics.events], logger: fixture.test.logger)
        let records = try await reader.collect(5)
        await reader.close()
        let replies = try records.filter { $0.topic == topics.outbound }.map { try EnvelopeCodec().decode($0.value) }
        #expect(replies.count == 2)
        let reply = try #require(replies.first)
        #expect(reply.id.uuidString.lowercased() == messageId)
        #expect(reply.sender == .agent(id: "agent-1"))
        #expect(reply.direction == .outbound)
        #expect(reply.content == .text("Sorry about that, I am checking AB123456."))
        #expect(reply.channel == fixture.request.channel)
        #expect(reply.externalId == fixture.request.externalId)
        #expect(reply.conversationId == fixture.request.conversationId)
        #expect(reply.customerId == fixture.customerId)
        #expect(reply.sessionId == fixture.sessionId)
        #expect(reply.traceId != fixture.request.traceId)
        let events = try records.filter { $0.topic == topics.events }.map {
            try SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data($0.value))
        }
        #expect(events.filter { $0.type == .handoverClaimed }.count == 2, "a repeated claim repeats its event")
        #expect(Set(events.filter { $0.type == .handoverClaimed }.map(\.id)).count == 1)
        #expect(events.filter { $0.type == .handoverEnded }.map(\.details["agent_id"]) == ["agent-1"])
        await producer.shutdown()
    }

    @Test func keysDecideTheTenantAndBadInputIsRefused() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        let app = fixture.application(sink: HandoverFailingSink())

        try await app.test(.router) { client in
            for key in [nil, "wrong-key", ""] as [String?] {
                try await client.execute(uri: Self.base, method: .get, headers: headers(key)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(json(response)["error"] as? String == "sign in, or present a valid agent key")
                }
            }
            // Another tenant's agent sees none of this tenant's handovers.
            let other = headers(HandoverFixture.otherTenantAgentKey)
            try await client.execute(uri: Self.base, method: .get, headers: other) { response in
                #expect(response.status == .ok)
                #expect((json(response)["handovers"] as? [[String: Any]])?.isEmpty == true)
            }
            for action in ["claim", "resolve"] {
                try await client.execute(
                    uri: "\(Self.base)/\(id)/\(action)", method: .post, headers: other,
                    body: try body(["agent_id": "intruder"])
                ) { response in
                    #expect(response.status == .notFound)
                    #expect(json(response)["error"] as? String == "handover not found")
                }
            }
            try await client.execute(uri: "\(Self.base)/\(id)/messages", method: .get, headers: other) {
                #expect($0.status == .notFound)
            }
            try await client.execute(
                uri: "\(Self.base)/no-such-handover/claim", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1"])
            ) { #expect($0.status == .notFound) }

            // Bad input.
            try await client.execute(uri: "\(Self.base)?status=lost", method: .get, headers: headers()) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(
                uri: "\(Self.base)/\(id)/claim", method: .post, headers: headers(), body: try body([:])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(json(response)["error"] as? String == "agent_id is required")
            }
            try await client.execute(
                uri: "\(Self.base)/\(id)/claim", method: .post, headers: headers(), body: ByteBuffer(string: "not json")
            ) { #expect($0.status == .badRequest) }

            // The broker does not acknowledge: the claim event is not confirmed, so the agent gets 503 ...
            try await client.execute(
                uri: "\(Self.base)/\(id)/claim", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1"])
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect((json(response)["error"] as? String)?.contains("broker") == true)
            }
            // ... and never a 202 for a reply the broker did not take.
            try await client.execute(
                uri: "\(Self.base)/\(id)/reply", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1", "text": "hello"])
            ) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(
                uri: "\(Self.base)/\(id)/reply", method: .post, headers: headers(),
                body: try body(["agent_id": "agent-1"])
            ) { #expect($0.status == .badRequest) }
        }
    }

    @Test func theOpsEndpointsAreServedOnALiveSocket() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        _ = try await fixture.openHandover()
        let app = fixture.application(sink: HandoverFailingSink())
        try await app.test(.live) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: Self.base, method: .get, headers: headers()) { response in
                #expect(response.status == .ok)
                #expect((json(response)["handovers"] as? [[String: Any]])?.count == 1)
            }
        }
    }
}
