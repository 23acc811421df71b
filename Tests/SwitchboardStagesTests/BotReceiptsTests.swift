import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// A sink that keeps what nlp-plugin shows at once, with the moment it was asked to.
final class RecordingSenderActions: SenderActionSink {
    let published = Mutex<[Envelope]>([])
    func publish(_ signal: Envelope) { published.withLock { $0.append(signal) } }
    var all: [Envelope] { published.withLock { $0 } }
}

/// nlp-plugin's read receipts and typing indicators, with no broker or database.
@Suite("nlp-plugin: read receipts and typing indicators")
struct BotReceiptsTests {
    let tests = BotHandlerTests()

    func handler(_ environment: DaemonEnvironment, sink: RecordingSenderActions) async throws -> NLPHandler {
        let engine = try await NLPModels.builtInEngine(for: environment)
        let bot = try BotServices.build(
            environment: environment, builtIn: engine, transport: PooledBotHTTPTransport(), history: nil,
            senderActions: sink)
        return NLPHandler(bot: bot, templates: { engine.templates(forTenant: $0) }, environment: environment)
    }

    func message(_ text: String, tenant: String) -> Envelope {
        var envelope = tests.message(text, tenant: tenant)
        envelope.channel = .messenger
        envelope.channelMessageId = "m_IN1"
        return envelope
    }

    @Test func theBuiltInBotSendsOnlyAReadReceiptJustBeforeItsReply() async throws {
        let environment = try BotHandlerTests.environment(
            """
            tenants:
              - id: reads
                receipts: { read: true, typing: true }
              - id: quiet
            """)
        let sink = RecordingSenderActions()
        let nlp = try await handler(environment, sink: sink)
        let inbound = message("hello", tenant: "reads")
        let outputs = try await nlp.handle(inbound, context: tests.context).envelopes(on: tests.topics.outbound)
        #expect(outputs.map(\.kind) == [.senderAction, .message])
        let read = try #require(outputs.first)
        #expect(read.senderActions == [.read])
        #expect(read.relatesTo == "m_IN1")
        #expect(read.sender == .bot)
        #expect(sink.all.isEmpty, "the built-in engine is fast: no typing indicator")
        // A redelivery makes the same receipt id.
        let again = try await nlp.handle(inbound, context: tests.context).envelopes(on: tests.topics.outbound)
        #expect(again.first?.id == read.id)

        let quiet = try await nlp.handle(message("hello", tenant: "quiet"), context: tests.context)
        #expect(try quiet.envelopes(on: tests.topics.outbound).map(\.kind) == [.message])
        // A hand-over is not the bot answering: no receipt (the agent's claim sends one).
        let human = try await nlp.handle(message("I want to talk to a human", tenant: "reads"), context: tests.context)
        #expect(try human.envelopes(on: tests.topics.outbound).isEmpty)
        #expect(try !human.envelopes(on: tests.topics.handover).isEmpty)
    }

    @Test func aSlowEngineShowsReadAndTypingBeforeItIsAsked() async throws {
        try await FakeBotServer.with { server in
            let environment = try BotHandlerTests.environment(
                """
                tenants:
                  - id: shop
                    receipts: { read: true, typing: true }
                    bot:
                      engine: rasa
                      timeout_ms: 60000
                      rasa: { url: "\(server.baseURL)" }
                  - id: readsonly
                    receipts: { read: true }
                    bot:
                      engine: rasa
                      timeout_ms: 60000
                      rasa: { url: "\(server.baseURL)" }
                """)
            let sink = RecordingSenderActions()
            let nlp = try await handler(environment, sink: sink)
            let inbound = message("hello", tenant: "shop")
            let outputs = try await nlp.handle(inbound, context: tests.context).envelopes(on: tests.topics.outbound)
            #expect(outputs.map(\.kind) == [.message], "the receipt went out at once, not with the reply")
            let early = try #require(sink.all.first)
            #expect(sink.all.count == 1)
            #expect(early.senderActions == [.read, .typing])
            #expect(early.replyTo == inbound.id)
            #expect(early.partitionKey == outputs.first?.partitionKey)

            // Typing off: no early signal, the read receipt goes with the reply as for a fast engine.
            let reads = try await nlp.handle(message("hello", tenant: "readsonly"), context: tests.context)
            #expect(try reads.envelopes(on: tests.topics.outbound).map(\.kind) == [.senderAction, .message])
            #expect(sink.all.count == 1)
        }
    }
}
