import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("desk live updates: the ring of events")
struct DeskLiveStateTests {
    func event(_ n: Int) -> SwitchboardEvent {
        SwitchboardEvent(
            id: UUID(), type: .handoverStarted, tenantId: "demo", occurredAt: Date(), details: ["n": "\(n)"])
    }

    @Test("a resuming stream gets what it missed while the ring holds it, and a gap after that")
    func resume() {
        var state = DeskLiveState<Int>(capacity: 3)
        #expect(state.events(after: 0) == [])
        for n in 1...3 { _ = state.append(event(n)) }
        #expect(state.events(after: 1)?.map(\.sequence) == [2, 3])
        #expect(state.events(after: 3) == [])
        #expect(state.events(after: 0)?.map(\.sequence) == [1, 2, 3])
        _ = state.append(event(4))
        #expect(state.events(after: 0) == nil, "event 1 fell out of the ring: resynchronise")
        #expect(state.events(after: 1)?.map(\.sequence) == [2, 3, 4])
    }

    @Test("every subscriber gets each new event until it unsubscribes")
    func subscribers() {
        var state = DeskLiveState<String>(capacity: 10)
        let a = state.subscribe("a")
        _ = state.subscribe("b")
        #expect(Set(state.append(event(1)).1) == ["a", "b"])
        #expect(state.unsubscribe(a) == "a")
        #expect(state.append(event(2)).1 == ["b"])
    }
}

@Suite("desk live updates over Server-Sent Events, on a live socket")
struct DeskLiveStreamTests {
    func event(
        _ type: SwitchboardEvent.EventType, tenant: String = "demo", _ details: [String: String]
    )
        -> SwitchboardEvent
    {
        SwitchboardEvent(id: UUID(), type: type, tenantId: tenant, occurredAt: Date(), details: details)
    }

    @Test("an agent sees their tenant's queue as it changes, resumes after a reconnect, resyncs on an unknown id")
    func stream() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        _ = try await fixture.accounts.create(
            tenantId: "demo", agentId: "ann", displayName: nil, role: .agent, password: "correct horse battery")
        let token = try await fixture.accounts.signIn(
            tenantId: "demo", agentId: "ann", password: "correct horse battery"
        )
        .token
        let hub = DeskLiveHub()
        try await fixture.application(sink: RecordingSink(), hub: hub).test(.live) { client in
            let port = try #require(client.port)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/agent/events"))
            let stream = EventStreamClient(url: url, headers: ["Authorization": "Bearer \(token)"])
            defer { stream.close() }
            #expect(try await stream.connected(within: .seconds(10)) == 200)
            // The handler follows the hub before it answers, so the 200 means the agent is following.
            #expect(hub.followers == 1)

            hub.publish(event(.handoverStarted, tenant: "night", ["status": "waiting", "handover_id": "n1"]))
            hub.publish(
                event(.handoverCustomerMessage, ["status": "claimed", "agent_id": "bob", "handover_id": "h0"]))
            hub.publish(event(.handoverStarted, ["status": "waiting", "handover_id": "h1"]))
            let first = try await stream.events(atLeast: 1, within: .seconds(5))
            #expect(first.map(\.event) == ["handover_started"])
            #expect(first.first?.data.contains("\"h1\"") == true)
            #expect(first.allSatisfy { !($0.data.contains("n1") || $0.data.contains("h0")) }, "nothing not hers")
            stream.close()

            // Missed while away, then resumed with the last id seen.
            hub.publish(event(.handoverCustomerMessage, ["status": "claimed", "agent_id": "ann", "handover_id": "h1"]))
            hub.publish(event(.handoverReturnedToQueue, ["status": "waiting", "handover_id": "h2"]))
            let resumed = EventStreamClient(
                url: url, headers: ["Authorization": "Bearer \(token)", "Last-Event-ID": try #require(first.last?.id)])
            defer { resumed.close() }
            let again = try await resumed.events(atLeast: 2, within: .seconds(5))
            #expect(again.map(\.event) == ["handover_customer_message", "handover_returned_to_queue"])

            // An id from another replica or before a restart: resync.
            let foreign = EventStreamClient(
                url: url, headers: ["Authorization": "Bearer \(token)", "Last-Event-ID": "other.5"])
            defer { foreign.close() }
            #expect(try await foreign.events(atLeast: 1, within: .seconds(5)).first?.event == "resync")

            let anonymous = EventStreamClient(url: url)
            defer { anonymous.close() }
            #expect(try await anonymous.connected(within: .seconds(5)) == 401)
        }
    }
}
