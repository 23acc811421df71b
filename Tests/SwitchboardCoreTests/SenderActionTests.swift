import Foundation
import SwitchboardCore
import Testing

@Suite("Sender actions: the envelope, staleness, the tenant's switch and the agents' throttle")
struct SenderActionTests {
    let inbound: Envelope = {
        var envelope = Envelope(
            id: UUID(uuidString: "01959e0a-8000-7000-8000-000000000001")!, tenantId: "acme", channel: .messenger,
            direction: .inbound, channelMessageId: "m_IN1", externalId: "psid-1", customerId: "c-1",
            sessionId: "s-1", content: .text("Hi"), receivedAt: Date(timeIntervalSince1970: 1_000),
            traceId: "trace-1")
        envelope.conversationId = "psid-1"
        envelope.provider = "meta"
        return envelope
    }()

    @Test func aSignalIsAboutTheCustomersMessageThroughTheSameRoute() throws {
        let now = Date(timeIntervalSince1970: 1_001)
        let signal = try #require(inbound.senderAction([.read, .typing], by: .bot, name: "nlp-read", at: now))
        #expect(signal.kind == .senderAction)
        #expect(signal.direction == .outbound)
        #expect(signal.senderActions == [.read, .typing])
        #expect(signal.relatesTo == "m_IN1")
        #expect(signal.replyTo == inbound.id)
        #expect(signal.provider == "meta")
        #expect(signal.conversationId == "psid-1")
        #expect(signal.customerId == "c-1")
        #expect(signal.content == nil)
        #expect(signal.partitionKey == inbound.partitionKey)
        // The same message makes the same id (a redelivery), another name another.
        #expect(signal.id == inbound.senderAction([.read], by: .bot, name: "nlp-read", at: now)?.id)
        #expect(signal.id != inbound.senderAction([.read], by: .bot, name: "agent-read", at: now)?.id)
        #expect(inbound.senderAction([], by: .bot, name: "nlp-read", at: now) == nil)
    }

    @Test func itSurvivesTheWireAndNeedsItsActions() throws {
        let signal = try #require(
            inbound.senderAction([.typing], by: .agent(id: "ann"), name: "x", at: Date(timeIntervalSince1970: 1_001)))
        let codec = EnvelopeCodec()
        let bytes = try codec.encode(signal)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""kind":"sender_action""#))
        #expect(text.contains(#""sender_actions":["typing"]"#))
        #expect(try codec.decode(bytes) == signal)
        let without = text.replacingOccurrences(of: #""sender_actions":["typing"],"#, with: "")
        #expect(without != text)
        #expect(throws: EnvelopeDecodingError.self) { try codec.decode(Array(without.utf8)) }
        let unknown = text.replacingOccurrences(of: #"["typing"]"#, with: #"["wave"]"#)
        #expect(throws: (any Error).self) { try codec.decode(Array(unknown.utf8)) }
    }

    @Test func olderThanThirtySecondsIsStale() {
        let created = Date(timeIntervalSince1970: 1_000)
        #expect(!SenderAction.isStale(createdAt: created, now: created))
        #expect(!SenderAction.isStale(createdAt: created, now: created + 30))
        #expect(SenderAction.isStale(createdAt: created, now: created + 30.001))
        #expect(SenderAction.isStale(createdAt: created, now: created - 31))
    }

    @Test func theTenantsSwitchIsOffUnlessTurnedOn() throws {
        let directory = try TenantDirectory(
            parsing: #"""
                {"tenants":[{"id":"quiet"},{"id":"reads","receipts":{"read":true}},
                            {"id":"both","receipts":{"read":true,"typing":true}}]}
                """#)
        let quiet = try #require(directory.tenant(id: "quiet")).receipts
        let reads = try #require(directory.tenant(id: "reads")).receipts
        let both = try #require(directory.tenant(id: "both")).receipts
        #expect(quiet.allowed([.read, .typing]).isEmpty)
        #expect(reads.allowed([.read, .typing]) == [.read])
        #expect(reads.allowed([.typing]).isEmpty)
        #expect(both.allowed([.typing, .read]) == [.typing, .read])
    }

    @Test func oneTypingIndicatorPerHandoverEveryFiveSeconds() {
        var throttle = TypingThrottle()
        func admit(_ key: String, at now: Date) -> Bool { throttle.admit(key, at: now) }
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(admit("h-1", at: start))
        #expect(!admit("h-1", at: start + 1))
        #expect(admit("h-2", at: start + 1))
        #expect(!admit("h-1", at: start + 4.999))
        #expect(admit("h-1", at: start + 5))
        // A clock that went back does not lock a hand-over out.
        #expect(admit("h-2", at: start))
    }

    @Test func theThrottleForgetsTheOldestBeyondItsCapacity() {
        var throttle = TypingThrottle(interval: 5, capacity: 2)
        func admit(_ key: String, at now: Date) -> Bool { throttle.admit(key, at: now) }
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(admit("a", at: start))
        #expect(admit("b", at: start + 1))
        #expect(admit("c", at: start + 2))
        #expect(throttle.count == 2)
        // "a" was forgotten, so it is let through early; "c" is still remembered.
        #expect(admit("a", at: start + 3))
        #expect(!admit("c", at: start + 3))
    }
}
