import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardKafka
import SwitchboardObservability
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("Analytics API and the survey after a hand-over, against the local database")
struct AnalyticsAPITests {
    static let password = "correct horse battery"

    func json(_ response: TestResponse) -> [String: Any] {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return object as? [String: Any] ?? [:]
    }

    func signIn(_ client: some TestClientProtocol, tenant: String, agent: String) async throws -> HTTPFields {
        let body = try JSONSerialization.data(
            withJSONObject: ["tenant_id": tenant, "agent_id": agent, "password": Self.password])
        let token = try await client.execute(
            uri: "/api/v1/agent/session", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(bytes: body)
        ) { response in try #require(json(response)["token"] as? String) }
        return [.authorization: "Bearer \(token)"]
    }

    @Test("supervisors read their own tenant's figures; agents may not; another tenant sees none of them")
    func supervisorsOnlyAndTenantScoped() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let database = fixture.test.database
        // The scripted conversations two days ago (the API's window ends now).
        let day1 = Date().addingTimeInterval(-2 * 86_400)
        try await AnalyticsRecorder(store: database.analytics, erasures: nil)
            .record(AnalyticsScript.records(day1: day1))
        for (tenant, agent, role) in [
            ("demo", "ann", AgentRole.agent), ("demo", "boss", .supervisor), ("night", "nina", .supervisor),
        ] {
            _ = try await fixture.accounts.create(
                tenantId: tenant, agentId: agent, displayName: nil, role: role, password: Self.password)
        }
        var api = AgentAPI(
            desk: fixture.desk(sink: RecordingSink()), accounts: fixture.accounts,
            secrets: TenantSecrets(tenantIds: ["demo", "night"], environment: [:]), logger: fixture.test.logger)
        api.analytics = database.analytics
        let app = HumanHandoverDaemon.makeApplication(
            api: api, ops: OpsEndpoints(registry: fixture.test.environment.metrics, checks: []), host: "127.0.0.1",
            port: 0, logger: fixture.test.logger)

        try await app.test(.router) { client in
            let boss = try await signIn(client, tenant: "demo", agent: "boss")
            let ann = try await signIn(client, tenant: "demo", agent: "ann")
            let nina = try await signIn(client, tenant: "night", agent: "nina")
            try await client.execute(uri: AgentAPI.analyticsPath + "?since=7d", method: .get, headers: boss) {
                response in
                #expect(response.status == .ok)
                let report = try SwitchboardJSON.makeDecoder().decode(
                    AnalyticsReport.self, from: Data(response.body.readableBytesView))
                #expect(report.tenantId == "demo")
                #expect(report.total.conversations == 4)
                #expect(report.total.messagesIn == 7)
                #expect(report.total.csat.average == 3)
                #expect(report.byAgent.keys.sorted() == ["alice", "bob"])
            }
            try await client.execute(uri: AgentAPI.analyticsPath, method: .get, headers: ann) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: AgentAPI.analyticsPath + "?since=7d", method: .get, headers: nina) {
                response in
                #expect(response.status == .ok)
                let report = try SwitchboardJSON.makeDecoder().decode(
                    AnalyticsReport.self, from: Data(response.body.readableBytesView))
                #expect(report.tenantId == "night")
                #expect(report.total.conversations == 0 && report.byAgent.isEmpty)
            }
            try await client.execute(uri: AgentAPI.analyticsPath + "?since=forever", method: .get, headers: boss) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: AgentAPI.analyticsPath, method: .get, headers: [:]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/desk/stats", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(decoding: response.body.readableBytesView, as: UTF8.self).contains("/desk/stats.js"))
            }
            try await client.execute(uri: "/desk/stats.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(decoding: response.body.readableBytesView, as: UTF8.self).contains("createElementNS"))
            }
        }
    }

    @Test("resolving a hand-over sends the tenant's survey on the customer's channel and waits for the answer")
    func surveyAfterResolve() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        let tenants = try TenantDirectory(
            parsing: """
                tenants:
                  - id: demo
                    csat:
                      after_agent: true
                      question: "Rate us 1-5"
                """)
        let sink = RecordingSink()
        let desk = HandoverDesk(
            database: fixture.test.database, sink: sink, topics: fixture.test.topics, logger: fixture.test.logger,
            tenants: tenants)
        _ = try await desk.claim(tenantId: "demo", id: id, agentId: "alice")
        _ = try await desk.resolve(tenantId: "demo", id: id, agentId: "alice")
        _ = try await desk.resolve(tenantId: "demo", id: id, agentId: "alice")  // a retried request

        let surveys = sink.envelopes(on: fixture.test.topics.outbound)
        #expect(surveys.count == 1, "one survey, also when the resolve is repeated")
        let survey = try #require(surveys.first)
        #expect(survey.content == .text("Rate us 1-5"))
        #expect(survey.sender == .system)
        #expect(survey.channel == fixture.request.channel)
        #expect(survey.externalId == fixture.request.externalId)
        #expect(survey.conversationId == fixture.request.conversationId)
        let key = CSATSurvey.key(tenantId: "demo", customerId: fixture.customerId)
        let waiting = try #require(try await fixture.test.database.surveys.surveys(keys: [key])[key])
        #expect(waiting.sessionId == fixture.sessionId)
        #expect(waiting.agentId == "alice")
        #expect(waiting.answerMessageId == nil)
    }
}
