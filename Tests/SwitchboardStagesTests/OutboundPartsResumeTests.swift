import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// A long reply is sent in parts; a redelivery of the same reply sends only the parts not yet sent.
@Suite("Long replies resume from the parts already sent")
struct OutboundPartsResumeTests {
    static let path = "/botBOT-TOKEN-1/sendMessage"
    static let ok = FakeVendorServer.ScriptedResponse.json(200, #"{"ok":true,"result":{"message_id":133}}"#)
    static let failing = FakeVendorServer.ScriptedResponse.json(
        500, #"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#)

    static let text = (0..<1300).map { "word\($0)" }.joined(separator: " ")
    /// The three parts Telegram gets.
    static let parts = TextSplitter.telegram.split(text)

    func adapter(_ server: FakeVendorServer) -> TelegramAdapter {
        TelegramAdapter(
            secrets: ProviderFixtures.secrets(["TELEGRAM_BOT_TOKEN": "BOT-TOKEN-1"]),
            providers: ProviderConfiguration(testing: ["SWITCHBOARD_TELEGRAM_API_BASE": server.baseURL]),
            retry: RetryPolicy(maxAttempts: 1), circuitBreaker: CircuitBreaker(failureThreshold: 100),
            perBot: RateLimiter(rate: 1_000_000), perChat: RateLimiter(rate: 1_000_000))
    }

    /// The indices in ``parts`` of the texts sent so far, in order.
    func sentParts(_ server: FakeVendorServer) -> [Int] {
        server.requests(to: Self.path).compactMap { request in
            TwilioForm(body: request.body)["text"].flatMap { Self.parts.firstIndex(of: $0) }
        }
    }

    @Test func theTextIsThreeParts() {
        #expect(Self.parts.count == 3)
    }

    @Test func progressSkipsSentPartsAndRecordsNewOnes() async throws {
        let recorded = Mutex<[Int: String]>([:])
        var progress = DeliveryProgress(sent: [0: "first"]) { index, id in recorded.withLock { $0[index] = id } }
        let attempted = Mutex<[String]>([])
        let outcome = try await progress.send(["a", "b", "c"]) { part in
            attempted.withLock { $0.append(part) }
            return part == "c" ? .retriableFailure(reason: "HTTP 503") : .sent(providerMessageId: "id-\(part)")
        }
        #expect(outcome == .retriableFailure(reason: "HTTP 503"))
        #expect(attempted.withLock { $0 } == ["b", "c"])
        #expect(recorded.withLock { $0 } == [1: "id-b"])
        #expect(progress.sent == [0: "first", 1: "id-b"])

        let finished = try await progress.send(["a", "b", "c"]) { part in .sent(providerMessageId: "id-\(part)") }
        #expect(finished == .sent(providerMessageId: "first"))
        #expect(recorded.withLock { $0 } == [1: "id-b", 2: "id-c"])
    }

    @Test func theAdapterSendsOnlyThePartsNotYetSent() async throws {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [Self.ok])
            let recorded = Mutex<[Int]>([])
            let outcome = try await adapter(server).deliver(
                reply(),
                progress: DeliveryProgress(sent: [0: "100"]) { index, _ in recorded.withLock { $0.append(index) } })
            #expect(outcome == .sent(providerMessageId: "100"))
            #expect(sentParts(server) == [1, 2])
            #expect(recorded.withLock { $0 } == [1, 2])
        }
    }

    func reply() -> Envelope {
        Envelope(
            id: UUIDv7Generator().next(), tenantId: "acme", channel: .telegram, direction: .outbound,
            externalId: "4711",
            content: .text(Self.text), receivedAt: .now, traceId: "t-resume", sender: .bot)
    }

    /// Through the outbound stage and the message store: the first attempt sends part 0 and fails on part 1;
    /// the stored message keeps part 0's id, so the attempt after it (here: the message left pending, as a
    /// restart in the middle would leave it) sends parts 1 and 2 only.
    @Test func theOutboundStageKeepsTheProgressWithTheStoredMessage() async throws {
        let stages = try await StageTestEnvironment()
        defer { Task { await stages.drop() } }
        try await FakeVendorServer.with { server in
            let handler = OutboundDeliveryHandler(
                adapters: ChannelAdapterRegistry([adapter(server)]), database: stages.database)
            let messages = stages.database.messages
            let envelope = reply()
            server.script(Self.path, [Self.ok, Self.failing])
            await #expect(throws: (any Error).self) {
                _ = try await handler.handle(envelope, context: stages.context(stages.topics.outbound))
            }
            #expect(sentParts(server) == [0, 1])
            let failed = try #require(try await messages.message(id: envelope.id))
            #expect(failed.status == "failed")
            #expect(failed.sent_parts == ["0": "133"])

            try await messages.setStatus(id: envelope.id, status: "pending")
            server.script(Self.path, [.json(200, #"{"ok":true,"result":{"message_id":134}}"#)])
            _ = try await handler.handle(envelope, context: stages.context(stages.topics.outbound))
            #expect(sentParts(server) == [0, 1, 1, 2])
            let sent = try #require(try await messages.message(id: envelope.id))
            #expect(sent.status == "sent")
            #expect(sent.provider_message_id == "133")
            #expect(sent.sent_parts == ["0": "133", "1": "134", "2": "134"])
        }
    }
}
