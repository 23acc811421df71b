import Foundation
import Hummingbird
import ServiceLifecycle
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// Counts deliveries; answers with a fixed outcome.
final class ChannelWebhookCountingAdapter: ChannelAdapter {
    let channel: Channel
    let deliversLocally: Bool
    let outcome: DeliveryOutcome
    let delivered = Mutex<[UUID]>([])

    init(channel: Channel, deliversLocally: Bool, outcome: DeliveryOutcome) {
        self.channel = channel
        self.deliversLocally = deliversLocally
        self.outcome = outcome
    }

    func addRoutes(to router: Router<ChannelRequestContext>, context: ChannelWebhookContext) {}

    func deliver(_ envelope: Envelope) async throws -> DeliveryOutcome {
        delivered.withLock { $0.append(envelope.id) }
        return outcome
    }
}

extension ChannelWebhookStackTests {
    @Suite("outbound stage") struct Outbound {
        func reply(channel: Channel, user: String) -> Envelope {
            var inbound = Envelope(
                id: UUIDv7Generator().next(), tenantId: "acme", channel: channel, direction: .inbound, externalId: user,
                content: .text("hi"), receivedAt: Date(), traceId: "trace-\(user)")
            inbound.conversationId = "conv-\(user)"
            return inbound.reply(
                content: .text("hello \(user)"), sender: .agent(id: "a-1"), stage: "human-handover", at: Date())
        }

        @Test func redeliveredRepliesAreStoredAndDeliveredOnceAndUnknownChannelsDeadLettered() async throws {
            let environment = try ChannelWebhookTestEnvironment.make()
            let webchat = ChannelWebhookCountingAdapter(
                channel: .webchat, deliversLocally: true, outcome: .deliveredLocally)
            let sms = ChannelWebhookCountingAdapter(
                channel: .sms, deliversLocally: false, outcome: .sent(providerMessageId: "SM1"))
            try await ChannelWebhookTestEnvironment.withDaemon(environment, adapters: [webchat, sms]) { daemon in
                let topics = environment.settings.topics
                let chat = reply(channel: .webchat, user: "w1")
                let text = reply(channel: .sms, user: "+15550100")
                let orphan = reply(channel: .whatsapp, user: "+15550101")
                let records = try [chat, chat, text, text, orphan].map {
                    try StageOutput.envelope($0, to: topics.outbound).record()
                }
                try await daemon.producer.send(records)

                let deadletters = try KafkaConsumer(
                    configuration: environment.kafka, groupID: TestStack.uniqueName("dlq"), topics: [topics.deadletter],
                    logger: TestStack.logger("dlq"))
                let logger = TestStack.logger("outbound-tests")
                let group = ServiceGroup(services: [daemon.producer, try daemon.makeOutboundRunner()], logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    let letters = try await deadletters.collect(1)
                    let letter = try SwitchboardJSON.makeDecoder().decode(DeadLetter.self, from: Data(letters[0].value))
                    #expect(letter.reason == "no adapter for channel whatsapp")
                    try await waitUntil("both replies stored", timeout: .seconds(30), poll: .milliseconds(100)) {
                        try await daemon.context.database.messages.count(tenantId: "acme", direction: .outbound) >= 2
                            && !webchat.delivered.withLock({ $0.isEmpty }) && !sms.delivered.withLock({ $0.isEmpty })
                    }
                    // The second copies are handled before the stage's group commits past them.
                    try await KafkaGroupProgress.waitUntilCaughtUp(
                        group: StageRunner.Configuration(
                            stage: OutboundDeliveryHandler.stage, inputTopic: topics.outbound, topics: topics
                        ).groupID,
                        topic: topics.outbound, configuration: environment.kafka, logger: logger)
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
                await deadletters.close()
                #expect(webchat.delivered.withLock { $0 } == [chat.id])
                #expect(sms.delivered.withLock { $0 } == [text.id])
                let messages = daemon.context.database.messages
                #expect(try await messages.count(tenantId: "acme", direction: .outbound) == 2)
                #expect(try await messages.message(id: chat.id)?.status == "delivered")
                #expect(try await messages.message(id: text.id)?.status == "sent")
                #expect(try await messages.reply(to: try #require(chat.replyTo))?.envelope.content == .text("hello w1"))
            }
        }
    }
}
