import Foundation
import SwitchboardStages
import Synchronization
import Testing

@Suite("Web chat abuse limits")
struct WebChatLimitsTests {
    typealias State = ReplyStreamsState<Int>

    @Test("streams are capped per conversation, per tenant and per process, and a closed one frees its place")
    func streamCaps() throws {
        var state = State(limit: 2, tenantLimit: 3, totalLimit: 4)
        let a1 = State.Key(tenantId: "a", conversationId: "c1", userId: "u")
        let a2 = State.Key(tenantId: "a", conversationId: "c2", userId: "u")
        let b1 = State.Key(tenantId: "b", conversationId: "c1", userId: "u")
        let first = try state.admit(a1, 1)
        _ = try state.admit(a1, 2)
        #expect(throws: State.Refusal.conversationFull) { try state.admit(a1, 3) }
        _ = try state.admit(a2, 4)
        #expect(throws: State.Refusal.tenantFull) { try state.admit(a2, 5) }
        _ = try state.admit(b1, 6)
        #expect(throws: State.Refusal.processFull) { try state.admit(b1, 7) }
        #expect(state.unfollow(first) == 1)
        #expect(state.count(tenantId: "a") == 2)
        _ = try state.admit(a2, 8)
    }

    @Test("a key over its rate is refused with the wait until its next token; other keys go on")
    func rates() {
        var limits = AdmissionLimits(rate: 2, burst: 2)
        let start = ContinuousClock.now
        #expect(limits.take("10.0.0.1", now: start) == nil)
        #expect(limits.take("10.0.0.1", now: start) == nil)
        #expect(limits.take("10.0.0.1", now: start) == .milliseconds(500))
        #expect(limits.take("10.0.0.2", now: start) == nil)
        #expect(limits.take("10.0.0.1", now: start + .milliseconds(500)) == nil)
    }

    @Test("a full table drops idle keys first and refuses new keys rather than grow")
    func boundedKeys() {
        var limits = AdmissionLimits(rate: 1, burst: 1, maxKeys: 2)
        let start = ContinuousClock.now
        #expect(limits.take("a", now: start) == nil)
        #expect(limits.take("b", now: start) == nil)
        #expect(limits.take("c", now: start) != nil)
        // A second later "a" and "b" have refilled (idle): they make room.
        #expect(limits.take("c", now: start + .seconds(1)) == nil)
    }

    @Test("one tenant's database-bound requests are capped while another tenant's go on")
    func tenantConcurrency() async throws {
        let concurrency = TenantConcurrency(limit: 1)
        let (entered, release) = AsyncStream.makeStream(of: Void.self)
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await concurrency.run("busy") {
                release.yield()
                for await _ in gate { break }
            }
        }
        for await _ in entered { break }
        await #expect(throws: ChannelHTTPError.self) { try await concurrency.run("busy") {} }
        try await concurrency.run("calm") {}
        open.yield()
        try await holder.value
        try await concurrency.run("busy") {}
    }
}
