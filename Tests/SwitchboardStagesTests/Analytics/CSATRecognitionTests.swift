import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("CSAT: the survey answer is recognised and recorded, not routed to the bot")
struct CSATRecognitionTests {
    let logger = TestStack.logger("csat")
    let topics = TopicNames(prefix: "unit.")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// The in-memory environment with tenant `demo` sending surveys after hand-overs, `night` not.
    func environment() async throws -> DaemonEnvironment {
        var environment = try await StageTestEnvironment.inMemory()
        environment.tenants = try TenantDirectory(
            parsing: """
                tenants:
                  - id: demo
                    csat:
                      after_agent: true
                      thanks: "Thanks for rating us!"
                  - id: night
                """)
        return environment
    }

    func message(
        _ text: String, customer: String = "c-1", tenant: String = "demo", at seconds: TimeInterval
    ) -> Envelope {
        var envelope = inbound(text, from: customer, tenant: tenant, at: Self.start.addingTimeInterval(seconds))
        envelope.customerId = customer
        return envelope
    }

    func sessioned(_ results: [StageResult]) -> [Envelope] {
        results.flatMap { result -> [Envelope] in
            guard case .produced(let outputs) = result else { return [] }
            return outputs.compactMap { if case .envelope(let envelope, _) = $0 { envelope } else { nil } }
        }
    }

    func batch(_ envelopes: [Envelope], generation: Int = 1) -> StageBatch {
        StageBatch(
            envelopes: envelopes, topic: topics.identified, generation: generation, topics: topics, logger: logger)
    }

    @Test(
        "answers: digits, words, keycaps and stars from 1 to 5; anything else is not an answer",
        arguments: [
            ("5", 5), (" 4 ", 4), ("3/5", 3), ("2!", 2), ("One", 1), ("five.", 5), ("4️⃣", 4), ("⭐⭐⭐", 3),
            ("★★★★★", 5), ("0", nil), ("6", nil), ("10", nil), ("5 but slow", nil), ("hello", nil), ("", nil),
            ("⭐⭐⭐⭐⭐⭐", nil), ("1.5", nil),
        ] as [(String, Int?)])
    func answers(text: String, score: Int?) {
        #expect(CSATAnswer.score(text) == score)
    }

    @Test("the session stage marks the customer's first message after the survey, again when it is redelivered")
    func sessionStageMarksTheFirstMessageAfterTheSurvey() async throws {
        let store = InMemorySessionStore()
        let handler = SessionHandler(store: store, environment: try await environment())
        let key = CSATSurvey.key(tenantId: "demo", customerId: "c-1")
        store.state.withLock {
            $0.surveys[key] = CSATSurvey(
                tenantId: "demo", customerId: "c-1", sessionId: "asked", agentId: "alice",
                sentAt: Self.start.addingTimeInterval(10))
        }
        let before = message("before the survey", at: 5)
        let answer = message("5", at: 20)
        let next = message("and another thing", at: 25)
        let first = sessioned(try await handler.handle(batch([before, answer, next])))
        #expect(
            first.map(\.annotations.csatSurvey) == [nil, CSATSurveyMark(sessionId: "asked", agentId: "alice"), nil])
        #expect(store.state.withLock { $0.surveys[key]?.answerMessageId } == answer.id.uuidString.lowercased())

        let again = sessioned(try await handler.handle(batch([answer, next], generation: 2)))
        #expect(again.map(\.annotations.csatSurvey) == [CSATSurveyMark(sessionId: "asked", agentId: "alice"), nil])
        let later = sessioned(try await handler.handle(batch([message("4", at: 30)], generation: 2)))
        #expect(later.first?.annotations.csatSurvey == nil, "the survey was taken by the first message")
    }

    @Test("a tenant without surveys costs no survey read")
    func noSurveyTenant() async throws {
        let store = InMemorySessionStore()
        let handler = SessionHandler(store: store, environment: try await environment())
        store.state.withLock {
            $0.surveys["night|c-2"] = CSATSurvey(
                tenantId: "night", customerId: "c-2", sessionId: "s", agentId: nil, sentAt: Self.start)
        }
        let out = sessioned(try await handler.handle(batch([message("5", customer: "c-2", tenant: "night", at: 5)])))
        #expect(out.first?.annotations.csatSurvey == nil)
        #expect(store.state.withLock { $0.surveyReads } == 0)
    }

    func routed(_ text: String, mark: CSATSurveyMark?) -> Envelope {
        var envelope = message(text, at: 20)
        envelope.sessionId = "current"
        envelope.sequence = 0
        envelope.sessionOwner = .bot
        envelope.annotations.csatSurvey = mark
        return envelope
    }

    @Test("the router records a marked answer as a csat_answered event and thanks; it never reaches the bot")
    func routerRecordsTheAnswer() async throws {
        let router = RouterHandler(environment: try await environment(), clock: { Self.start })
        let context = StageContext(logger: logger, topic: topics.sessioned, partition: 0, offset: 0, topics: topics)
        let mark = CSATSurveyMark(sessionId: "asked", agentId: "alice")
        let answer = routed("4️⃣", mark: mark)
        let outputs = try await router.handle(answer, context: context)
        #expect(try outputs.envelopes(on: topics.nlp).isEmpty)
        let event = try #require(try outputs.events(on: topics.events).first)
        #expect(event.type == .csatAnswered)
        #expect(event.sessionId == "asked")
        #expect(event.details["score"] == "4")
        #expect(event.details["agent_id"] == "alice")
        let thanks = try #require(try outputs.envelopes(on: topics.outbound).first)
        #expect(thanks.content == .text("Thanks for rating us!"))
        #expect(thanks.sender == .system)
        // A redelivery records the same answer (same ids), so it is counted once.
        let again = try await router.handle(answer, context: context)
        #expect(try again.events(on: topics.events).first?.id == event.id)
        #expect(try again.envelopes(on: topics.outbound).first?.id == thanks.id)

        let notAnAnswer = try await router.handle(routed("where is my order?", mark: mark), context: context)
        #expect(try notAnAnswer.envelopes(on: topics.nlp).count == 1)
        #expect(try notAnAnswer.events(on: topics.events).isEmpty)

        let unasked = try await router.handle(routed("5", mark: nil), context: context)
        #expect(try unasked.envelopes(on: topics.nlp).count == 1, "without a survey, 5 is an ordinary message")
    }
}
