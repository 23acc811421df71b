import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("search through the agent API against the local database")
struct SearchAPITests {
    static let path = "/api/v1/agent/search"

    func headers(_ key: String?) -> HTTPFields {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return headers
    }

    func json(_ response: TestResponse) -> [String: Any] {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return object as? [String: Any] ?? [:]
    }

    @Test func anAgentFindsTheirTenantsMessagesAndNoOthers() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.storeInbound("my parcel AB123 never arrived", sequence: 1)
        let app = fixture.application(sink: RecordingSink())
        try await app.test(.router) { client in
            try await client.execute(
                uri: "\(Self.path)?q=PARCEL%20arrived&customer=\(fixture.customerId)", method: .get,
                headers: headers(HandoverFixture.agentKey)
            ) { response in
                #expect(response.status == .ok)
                let body = json(response)
                #expect(body["backend"] as? String == "terms")
                let results = try #require(body["results"] as? [[String: Any]])
                #expect(results.count == 1)
                #expect(results.first?["customer_id"] as? String == fixture.customerId)
                #expect(results.first?["matched_terms"] as? [String] == ["parcel", "arrived"])
                let segments = try #require(
                    (results.first?["snippet"] as? [String: Any])?["segments"] as? [[String: Any]])
                #expect(
                    segments.filter { $0["match"] as? Bool == true }.compactMap { $0["text"] as? String } == [
                        "parcel", "arrived",
                    ])
            }
            // Another tenant's agent key finds nothing of the demo tenant's.
            try await client.execute(
                uri: "\(Self.path)?q=parcel", method: .get, headers: headers(HandoverFixture.otherTenantAgentKey)
            ) { response in
                #expect(response.status == .ok)
                #expect((json(response)["results"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "\(Self.path)?q=parcel", method: .get, headers: headers(nil)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "\(Self.path)?channel=webchat", method: .get, headers: headers(HandoverFixture.agentKey)
            ) { #expect($0.status == .badRequest, "a filter that would read the whole index alone") }
            try await client.execute(
                uri: "\(Self.path)?q=parcel&handover_state=lost", method: .get,
                headers: headers(HandoverFixture.agentKey)
            ) { #expect($0.status == .badRequest) }
        }
    }
}
