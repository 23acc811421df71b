import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

@Suite("Reply waiters state machine")
struct ChannelWebhookReplyWaitersStateTests {
    typealias State = ReplyWaitersState<String, String>
    let id = UUID()

    @Test func replyAfterWaitResumesTheWaiterAndForgetsIt() {
        var state = State()
        let ticket = state.register(id)
        guard case .suspend = state.wait(ticket, with: "request-1") else {
            Issue.record("expected to suspend")
            return
        }
        #expect(state.deliver("hello", for: id) == ["request-1"])
        #expect(state.count == 0)
        #expect(state.expire(ticket) == nil)
    }

    @Test func replyBeforeWaitIsKeptForTheRegisteredTicket() {
        var state = State()
        let ticket = state.register(id)
        #expect(state.deliver("hello", for: id).isEmpty)
        guard case .resume(let reply) = state.wait(ticket, with: "request-1") else {
            Issue.record("expected the reply at once")
            return
        }
        #expect(reply == "hello")
        #expect(state.count == 0)
    }

    @Test func replyNobodyRegisteredForIsDropped() {
        var state = State()
        #expect(state.deliver("hello", for: id).isEmpty)
        #expect(state.count == 0)
        let ticket = state.register(id)
        guard case .suspend = state.wait(ticket, with: "late") else {
            Issue.record("an earlier reply must not be kept for a later registration")
            return
        }
    }

    @Test func timeoutRemovesTheWaiterAndALateReplyFindsNobody() {
        var state = State()
        let ticket = state.register(id)
        _ = state.wait(ticket, with: "request-1")
        #expect(state.expire(ticket) == "request-1")
        #expect(state.count == 0)
        #expect(state.deliver("late", for: id).isEmpty)
        #expect(state.count == 0)
    }

    @Test func expiryBeforeWaitMakesTheWaitReturnEmpty() {
        var state = State()
        let ticket = state.register(id)
        #expect(state.expire(ticket) == nil)
        guard case .resumeEmpty = state.wait(ticket, with: "request-1") else {
            Issue.record("expected an empty resume")
            return
        }
        #expect(state.count == 0)
    }

    @Test func twoWaitersForTheSameIdBothGetTheReply() {
        var state = State()
        let first = state.register(id)
        let second = state.register(id)
        _ = state.wait(first, with: "a")
        _ = state.wait(second, with: "b")
        #expect(Set(state.deliver("hello", for: id)) == ["a", "b"])
        #expect(state.count == 0)
    }

    @Test func oneOfTwoWaitersTimingOutLeavesTheOther() {
        var state = State()
        let first = state.register(id)
        let second = state.register(id)
        _ = state.wait(first, with: "a")
        _ = state.wait(second, with: "b")
        #expect(state.expire(first) == "a")
        #expect(state.deliver("hello", for: id) == ["b"])
        #expect(state.count == 0)
    }
}

@Suite("Reply waiters")
struct ChannelWebhookReplyWaitersTests {
    func reply(to id: UUID) -> Envelope {
        let inbound = Envelope(
            id: id, tenantId: "acme", channel: .webchat, direction: .inbound, externalId: "u1",
            content: .text("hi"), receivedAt: Date(), traceId: "t")
        return inbound.reply(content: .text("hello"), sender: .bot, stage: "nlp-plugin", at: Date())
    }

    @Test func waitReturnsTheReplyDeliveredMeanwhile() async {
        let waiters = ReplyWaiters()
        let id = UUID()
        let ticket = waiters.register(id)
        async let answer = waiters.wait(ticket, timeout: .seconds(10))
        // Not a wait for a condition: nothing shows that the waiter has suspended. The pause only makes the
        // delivery likely to come while it waits; one that comes first is kept for it, and the test holds either way.
        try? await Task.sleep(for: .milliseconds(50))
        waiters.deliver(reply(to: id))
        let received = await answer
        #expect(received?.replyTo == id)
        #expect(waiters.count == 0)
    }

    @Test func waitTimesOutWithoutLeaking() async {
        let waiters = ReplyWaiters()
        let ticket = waiters.register(UUID())
        let started = ContinuousClock.now
        #expect(await waiters.wait(ticket, timeout: .milliseconds(100)) == nil)
        // Ended by its timeout, not hanging (a guard, not a speed bound: a loaded CI run stalled this test 56 s).
        #expect(ContinuousClock.now - started < .seconds(600))
        #expect(waiters.count == 0)
    }

    @Test func cancelledRequestDoesNotLeak() async {
        let waiters = ReplyWaiters()
        let ticket = waiters.register(UUID())
        let task = Task { await waiters.wait(ticket, timeout: .seconds(60)) }
        // As above: nothing shows that the wait has started, so a short pause makes cancelling mid-wait likely; a
        // cancellation before the wait starts must not leak either.
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == nil)
        #expect(waiters.count == 0)
    }
}

@Suite("Web chat requests and envelopes")
struct ChannelWebhookRequestTests {
    func parse(_ json: String) throws(WebChatValidationError) -> WebChatMessageRequest {
        try WebChatMessageRequest(json: Data(json.utf8))
    }

    @Test func acceptsAValidRequest() throws {
        let request = try parse(#"{"conversation_id":"","user_id":"u1","message":"Hi","client_message_id":"c1"}"#)
        #expect(
            request == WebChatMessageRequest(conversationId: nil, userId: "u1", message: "Hi", clientMessageId: "c1"))
    }

    @Test(arguments: [
        ("{not json", "request body is not valid JSON"),
        ("[1]", "request body must be a JSON object"),
        (#"{"message":"Hi"}"#, "'user_id' is required"),
        (#"{"user_id":"  ","message":"Hi"}"#, "'user_id' must not be empty"),
        (#"{"user_id":7,"message":"Hi"}"#, "'user_id' must be a string"),
        (#"{"user_id":"u1"}"#, "'message' is required"),
        (#"{"user_id":"u1","message":" \n"}"#, "'message' must not be empty"),
        (#"{"user_id":"u1","message":"Hi","conversation_id":false}"#, "'conversation_id' must be a string"),
    ])
    func refusesInvalidRequests(json: String, reason: String) {
        #expect(throws: WebChatValidationError(reason)) { try parse(json) }
    }

    @Test func refusesOverlongIdentifiers() {
        let long = String(repeating: "x", count: WebChatMessageRequest.maxIdentifierLength + 1)
        #expect(throws: WebChatValidationError.self) { try parse(#"{"user_id":"\#(long)","message":"Hi"}"#) }
    }

    @Test func buildsTheInboundEnvelope() {
        let newId = UUIDv7Generator().next()
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let request = WebChatMessageRequest(conversationId: "conv-1", userId: "u1", message: "Hi", clientMessageId: nil)
        let envelope = WebChatEnvelopeBuilder().envelope(
            for: request, tenantId: "acme", traceId: "trace-1", newId: newId, receivedAt: now)
        #expect(envelope.id == newId)
        #expect(envelope.channel == .webchat)
        #expect(envelope.direction == .inbound)
        #expect(envelope.externalId == "u1")
        #expect(envelope.conversationId == "conv-1")
        #expect(envelope.content == .text("Hi"))
        #expect(envelope.traceId == "trace-1")
        #expect(envelope.receivedAt == now)
        #expect(envelope.channelMessageId == nil)
        #expect(envelope.partitionKey.value == "acme|webchat|u1")
    }

    @Test func newConversationWithoutClientIdGetsTheNewId() {
        let newId = UUIDv7Generator().next()
        let request = WebChatMessageRequest(conversationId: nil, userId: "u1", message: "Hi", clientMessageId: nil)
        let envelope = WebChatEnvelopeBuilder().envelope(
            for: request, tenantId: "acme", traceId: "t", newId: newId, receivedAt: Date())
        #expect(envelope.conversationId == newId.uuidString.lowercased())
    }

    @Test("a separator in user or client message id cannot make two visitors' messages one envelope")
    func clientMessageIdPartsAreFramed() {
        let builder = WebChatEnvelopeBuilder()
        func id(user: String, client: String) -> UUID {
            builder.envelope(
                for: WebChatMessageRequest(conversationId: nil, userId: user, message: "Hi", clientMessageId: client),
                tenantId: "acme", traceId: "t", newId: UUID(), receivedAt: Date()
            ).id
        }
        #expect(id(user: "u|a", client: "b") != id(user: "u", client: "a|b"))
    }

    @Test func clientMessageIdDerivesStableIds() {
        let request = WebChatMessageRequest(conversationId: nil, userId: "u1", message: "Hi", clientMessageId: "c-9")
        let builder = WebChatEnvelopeBuilder()
        let first = builder.envelope(
            for: request, tenantId: "acme", traceId: "t1", newId: UUIDv7Generator().next(), receivedAt: Date())
        let second = builder.envelope(
            for: request, tenantId: "acme", traceId: "t2", newId: UUIDv7Generator().next(), receivedAt: Date())
        #expect(first.id == second.id)
        #expect(
            first.id == DerivedID.make(from: WebChatEnvelopeBuilder.namespace, parts: ["webchat", "acme", "u1", "c-9"]))
        #expect(first.conversationId == second.conversationId)
        #expect(first.conversationId != nil)
        #expect(first.channelMessageId == "c-9")
        let otherTenant = builder.envelope(
            for: request, tenantId: "other", traceId: "t", newId: UUID(), receivedAt: Date())
        #expect(otherTenant.id != first.id)
    }

    @Test func traceIdComesFromTheHeadersWhenSane() {
        #expect(WebChatEnvelopeBuilder.traceId(xTraceId: "abc-123", traceparent: nil) == "abc-123")
        #expect(
            WebChatEnvelopeBuilder.traceId(
                xTraceId: nil, traceparent: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")
                == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(WebChatEnvelopeBuilder.traceId(xTraceId: "bad value\n", traceparent: "garbage") == nil)
        #expect(
            WebChatEnvelopeBuilder.traceId(
                xTraceId: nil, traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01") == nil)
    }

    @Test func deliveryOutcomesMapToStoredStatuses() {
        #expect(DeliveryOutcome.sent(providerMessageId: "p1").storedStatus == "sent")
        #expect(DeliveryOutcome.deliveredLocally.storedStatus == "delivered")
        #expect(DeliveryOutcome.permanentFailure(reason: "blocked").storedStatus == "failed")
        #expect(DeliveryOutcome.retriableFailure(reason: "503").storedStatus == nil)
    }
}
