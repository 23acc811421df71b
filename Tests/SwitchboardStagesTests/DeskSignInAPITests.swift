import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Records nothing and acknowledges everything: these tests are about who may do what.
private struct AcceptingSink: HandoverSink {
    func publish(_ records: [KafkaOutgoingRecord]) async throws {}
}

@Suite("desk sign-in, roles and tenant isolation against the local database")
struct DeskSignInAPITests {
    static let handovers = "/api/v1/agent/handovers"
    static let session = "/api/v1/agent/session"
    static let accounts = "/api/v1/agent/accounts"
    static let password = "correct horse battery"

    func json(_ response: TestResponse) -> [String: Any] {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return object as? [String: Any] ?? [:]
    }

    func body(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    func bearer(_ token: String) -> HTTPFields {
        [.contentType: "application/json", .authorization: "Bearer \(token)"]
    }

    /// Signs in through the API and returns the bearer token.
    func signIn(
        _ client: some TestClientProtocol, tenant: String, agent: String, password: String = Self.password
    ) async throws -> String {
        try await client.execute(
            uri: Self.session, method: .post, headers: [.contentType: "application/json"],
            body: try body(["tenant_id": tenant, "agent_id": agent, "password": password])
        ) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.setCookie] == nil, "an API client gets a token, not a cookie")
            return try #require(json(response)["token"] as? String)
        }
    }

    @Test("the agent comes from the token; agents see their own, supervisors all; no tenant reaches another")
    func rolesAndTenants() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        let accounts = fixture.accounts
        for (tenant, agent, role) in [
            ("demo", "ann", AgentRole.agent), ("demo", "bob", .agent), ("demo", "boss", .supervisor),
            ("night", "nina", .supervisor),
        ] {
            _ = try await accounts.create(
                tenantId: tenant, agentId: agent, displayName: nil, role: role, password: Self.password)
        }
        let app = fixture.application(sink: AcceptingSink())

        try await app.test(.router) { client in
            let ann = bearer(try await signIn(client, tenant: "demo", agent: "ann"))
            let bob = bearer(try await signIn(client, tenant: "demo", agent: "bob"))
            let boss = bearer(try await signIn(client, tenant: "demo", agent: "boss"))
            let nina = bearer(try await signIn(client, tenant: "night", agent: "nina"))

            try await client.execute(uri: Self.session, method: .get, headers: ann) { response in
                #expect(response.status == .ok)
                #expect(json(response)["agent_id"] as? String == "ann")
                #expect(json(response)["role"] as? String == "agent")
            }
            // Bob cannot claim as Ann: the body's agent_id is refused, not obeyed.
            try await client.execute(
                uri: "\(Self.handovers)/\(id)/claim", method: .post, headers: bob, body: try body(["agent_id": "ann"])
            ) { #expect($0.status == .forbidden) }
            // Ann claims with an empty body: the token says who she is.
            try await client.execute(
                uri: "\(Self.handovers)/\(id)/claim", method: .post, headers: ann, body: try body([:])
            ) {
                response in
                #expect(response.status == .ok)
                #expect(json(response)["agent_id"] as? String == "ann")
            }
            #expect(try await fixture.session()?.owner == .human(agentId: "ann"))

            // Bob sees neither Ann's conversation in his list nor its messages, and cannot reply or resolve it.
            try await client.execute(uri: "\(Self.handovers)?status=claimed", method: .get, headers: bob) {
                #expect(($0.status, (json($0)["handovers"] as? [Any])?.count) == (.ok, 0))
            }
            try await client.execute(uri: "\(Self.handovers)/\(id)/messages", method: .get, headers: bob) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "\(Self.handovers)/\(id)/reply", method: .post, headers: bob, body: try body(["text": "hi"])
            ) { #expect($0.status == .conflict) }
            try await client.execute(
                uri: "\(Self.handovers)/\(id)/resolve", method: .post, headers: bob, body: try body([:])
            ) {
                #expect($0.status == .conflict)
            }
            // Ann and the supervisor see it.
            for caller in [ann, boss] {
                try await client.execute(uri: "\(Self.handovers)?status=claimed", method: .get, headers: caller) {
                    #expect(($0.status, (json($0)["handovers"] as? [Any])?.count) == (.ok, 1))
                }
                try await client.execute(uri: "\(Self.handovers)/\(id)/messages", method: .get, headers: caller) {
                    #expect($0.status == .ok)
                }
            }
            // Another tenant's supervisor finds nothing of it.
            try await client.execute(uri: "\(Self.handovers)?status=claimed", method: .get, headers: nina) {
                #expect(($0.status, (json($0)["handovers"] as? [Any])?.count) == (.ok, 0))
            }
            for action in ["claim", "resolve"] {
                try await client.execute(
                    uri: "\(Self.handovers)/\(id)/\(action)", method: .post, headers: nina, body: try body([:])
                ) { #expect($0.status == .notFound) }
            }
            try await client.execute(uri: "\(Self.handovers)/\(id)/messages", method: .get, headers: nina) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "\(Self.accounts)/ann/disable", method: .post, headers: nina) {
                #expect($0.status == .notFound, "a supervisor manages only their own tenant's accounts")
            }
            // The supervisor resolves Ann's conversation: the bot owns the session again.
            try await client.execute(
                uri: "\(Self.handovers)/\(id)/resolve", method: .post, headers: boss, body: try body([:])
            ) {
                response in
                #expect(response.status == .ok)
                #expect(json(response)["status"] as? String == "resolved")
                #expect(json(response)["agent_id"] as? String == "ann")
            }
            #expect(try await fixture.session()?.owner == .bot)
        }
    }

    @Test("supervisors manage accounts through the API; agents may not; disabling signs out")
    func accountManagement() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        _ = try await fixture.accounts.create(
            tenantId: "demo", agentId: "boss", displayName: "The Boss", role: .supervisor, password: Self.password)
        let app = fixture.application(sink: AcceptingSink())

        try await app.test(.router) { client in
            let boss = bearer(try await signIn(client, tenant: "demo", agent: "boss"))
            try await client.execute(
                uri: Self.accounts, method: .post, headers: boss,
                body: try body(["agent_id": "ann", "password": Self.password, "display_name": "Ann"])
            ) { response in
                #expect(response.status == .created)
                #expect(json(response)["role"] as? String == "agent")
                #expect(json(response)["password_hash"] == nil)
            }
            try await client.execute(
                uri: Self.accounts, method: .post, headers: boss,
                body: try body(["agent_id": "ann", "password": Self.password])
            ) { #expect($0.status == .conflict) }
            try await client.execute(
                uri: Self.accounts, method: .post, headers: boss,
                body: try body(["agent_id": "zed", "password": "short"])
            ) { #expect($0.status == .badRequest) }

            let ann = bearer(try await signIn(client, tenant: "demo", agent: "ann"))
            try await client.execute(uri: Self.accounts, method: .get, headers: ann) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: Self.accounts, method: .post, headers: ann,
                body: try body(["agent_id": "eve", "password": Self.password, "role": "supervisor"])
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: Self.accounts, method: .get, headers: boss) { response in
                #expect(response.status == .ok)
                let list = try #require(json(response)["accounts"] as? [[String: Any]])
                #expect(list.compactMap { $0["agent_id"] as? String } == ["ann", "boss"])
            }
            try await client.execute(uri: "\(Self.accounts)/ann/disable", method: .post, headers: boss) {
                #expect(($0.status, json($0)["disabled"] as? Bool) == (.ok, true))
            }
            try await client.execute(uri: Self.handovers, method: .get, headers: ann) {
                #expect($0.status == .unauthorized, "disabling revokes the sessions")
            }
            try await client.execute(uri: "\(Self.accounts)/ann/enable", method: .post, headers: boss) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "\(Self.accounts)/ann/password", method: .post, headers: boss,
                body: try body(["password": "another long secret"])
            ) { #expect($0.status == .ok) }
            _ = try await signIn(client, tenant: "demo", agent: "ann", password: "another long secret")
            try await client.execute(uri: "\(Self.accounts)/nobody/disable", method: .post, headers: boss) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test("the web app's cookie is HttpOnly and SameSite=Strict, its posts need the CSRF header; sign-out revokes")
    func cookieSession() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        _ = try await fixture.accounts.create(
            tenantId: "demo", agentId: "ann", displayName: nil, role: .agent, password: Self.password)
        let app = fixture.application(sink: AcceptingSink())

        try await app.test(.router) { client in
            let cookie = try await client.execute(
                uri: Self.session, method: .post, headers: [.contentType: "application/json"],
                body: try body(["tenant_id": "demo", "agent_id": "ann", "password": Self.password, "cookie": true])
            ) { response in
                #expect(response.status == .ok)
                #expect(json(response)["token"] == nil, "no script sees the web app's token")
                let header = try #require(response.headers[.setCookie])
                #expect(header.contains("HttpOnly"))
                #expect(header.contains("SameSite=Strict"))
                #expect(header.contains("Secure"))
                return try #require(header.split(separator: ";").first.map(String.init))
            }
            try await client.execute(uri: Self.handovers, method: .get, headers: [.cookie: cookie]) {
                #expect($0.status == .ok)
            }
            let claim = "\(Self.handovers)/\(id)/claim"
            try await client.execute(
                uri: claim, method: .post, headers: [.cookie: cookie, .contentType: "application/json"],
                body: try body([:])
            ) { #expect($0.status == .forbidden, "a cookie alone does not authorize a post") }
            var withHeader: HTTPFields = [.cookie: cookie, .contentType: "application/json"]
            withHeader[HTTPField.Name("X-Desk-Request")!] = "1"
            try await client.execute(uri: claim, method: .post, headers: withHeader, body: try body([:])) {
                #expect(($0.status, json($0)["agent_id"] as? String) == (.ok, "ann"))
            }
            try await client.execute(uri: Self.session, method: .delete, headers: withHeader) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await client.execute(uri: Self.handovers, method: .get, headers: [.cookie: cookie]) {
                #expect($0.status == .unauthorized, "signed out")
            }
        }
    }

    @Test("repeated wrong passwords lock the account: 429 with Retry-After")
    func lockout() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        _ = try await fixture.accounts.create(
            tenantId: "demo", agentId: "ann", displayName: nil, role: .agent, password: Self.password)
        let app = fixture.application(sink: AcceptingSink())

        try await app.test(.router) { client in
            let wrong = try body(["tenant_id": "demo", "agent_id": "ann", "password": "not the password"])
            for _ in 0..<5 {
                try await client.execute(
                    uri: Self.session, method: .post, headers: [.contentType: "application/json"], body: wrong
                ) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(
                uri: Self.session, method: .post, headers: [.contentType: "application/json"],
                body: try body(["tenant_id": "demo", "agent_id": "ann", "password": Self.password])
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
            }
        }
    }
}
