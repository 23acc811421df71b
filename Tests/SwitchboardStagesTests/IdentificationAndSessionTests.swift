import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("customer-identification and session stages against the local database")
struct IdentificationAndSessionTests {
    @Test func sameIdentityAndSamePhoneAcrossChannelsResolveToOneCustomer() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let handler = IdentificationHandler(profiles: test.database.profiles, environment: test.environment)
        let context = test.context(test.topics.inbound)

        let first = try await handler.handle(inbound("hi", from: "+49 170 1234567", channel: .sms), context: context)
        let again = try await handler.handle(inbound("again", from: "+491701234567", channel: .sms), context: context)
        let whatsapp = try await handler.handle(
            inbound("hello", from: "491701234567", channel: .whatsapp), context: context)
        let other = try await handler.handle(inbound("hey", from: "web-user-7"), context: context)

        let ids = try [first, again, whatsapp, other].map {
            try #require(try $0.envelopes(on: test.topics.identified).first?.customerId)
        }
        #expect(ids[0] == ids[1])
        #expect(ids[0] == ids[2], "the same phone on SMS and WhatsApp is one customer")
        #expect(ids[3] != ids[0])
        let profile = try #require(try await test.database.profiles.profile(id: ids[0]))
        #expect(Set(profile.identities.map(\.channel)) == [.sms, .whatsapp])
        #expect(try await test.database.profiles.count(tenantId: "demo") == 2)

        // After identification the key is tenant + customer id, whichever channel the message came from.
        let key = PartitionKey.customer(tenantId: "demo", customerId: ids[0]).bytes
        #expect([first, again, whatsapp].allSatisfy { (try? $0.first?.record().key) == key })
    }

    @Test func concurrentFirstMessagesOfOneNewCustomerCreateOneProfile() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let handler = IdentificationHandler(profiles: test.database.profiles, environment: test.environment)
        let context = test.context(test.topics.inbound)
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await handler.handle(inbound("m\(index)", from: "racer"), context: context)
                        .envelopes(on: test.topics.identified).first?.customerId
                }
            }
            var ids: Set<String?> = []
            for try await id in group { ids.insert(id) }
            return ids
        }
        #expect(ids.count == 1)
        #expect(try await test.database.profiles.count(tenantId: "demo") == 1)
    }

    @Test func unknownTenantIsAPermanentFailure() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let handler = IdentificationHandler(profiles: test.database.profiles, environment: test.environment)
        await #expect(throws: StageFailure.self) {
            try await handler.handle(inbound("hi", tenant: "nobody"), context: test.context(test.topics.inbound))
        }
    }

    @Test func sessionsContinueExpireAfterTheIdleTimeoutAndSurviveRedelivery() async throws {
        let test = try await StageTestEnvironment(idleTimeoutSeconds: 60)
        defer { Task { await test.drop() } }
        let handler = SessionHandler(store: test.database, environment: test.environment)
        let context = test.context(test.topics.identified)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func message(_ text: String, at offset: TimeInterval) -> Envelope {
            var envelope = inbound(text, at: start.addingTimeInterval(offset))
            envelope.customerId = "customer-1"
            return envelope
        }

        let first = message("one", at: 0)
        let out1 = try await handler.handle(first, context: context)
        let s1 = try #require(try out1.envelopes(on: test.topics.sessioned).first)
        #expect(s1.sequence == 0)
        #expect(s1.sessionOwner == .bot)
        #expect(try out1.events(on: test.topics.events).map(\.type) == [.sessionStarted])

        let out2 = try await handler.handle(message("two", at: 59), context: context)
        let s2 = try #require(try out2.envelopes(on: test.topics.sessioned).first)
        #expect(s2.sessionId == s1.sessionId)
        #expect(s2.sequence == 1)
        #expect(try out2.events(on: test.topics.events).isEmpty)

        // Exactly the idle timeout after the last activity: a new session.
        let out3 = try await handler.handle(message("three", at: 59 + 60), context: context)
        let s3 = try #require(try out3.envelopes(on: test.topics.sessioned).first)
        #expect(s3.sessionId != s1.sessionId)
        #expect(s3.sequence == 0)
        #expect(Set(try out3.events(on: test.topics.events).map(\.type)) == [.sessionExpired, .sessionStarted])

        // Redelivery of the first message: same session and sequence, nothing stored twice, and the
        // session_started it raised emitted again with the same id (a crash before the commit loses none).
        let again = try await handler.handle(first, context: context)
        let r1 = try #require(try again.envelopes(on: test.topics.sessioned).first)
        #expect(r1.sessionId == s1.sessionId)
        #expect(r1.sequence == 0)
        let firstEvents = try out1.events(on: test.topics.events)
        #expect(firstEvents.map(\.type) == [.sessionStarted])
        #expect(try again.events(on: test.topics.events).map(\.id) == firstEvents.map(\.id))
        #expect(try await test.database.messages.count(tenantId: "demo") == 3)
        let stored = try await test.database.messages.session(tenantId: "demo", sessionId: try #require(s1.sessionId))
        #expect(stored.map(\.sequence) == [0, 1])
    }
}
