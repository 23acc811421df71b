import Foundation
import ServiceLifecycle
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

extension ChannelWebhookStackTests {
    @Suite("delivery outcomes and status webhooks") struct Statuses {
        func reply(channel: Channel, user: String) -> Envelope {
            var inbound = Envelope(
                id: UUIDv7Generator().next(), tenantId: "acme", channel: channel, direction: .inbound, externalId: user,
                content: .text("hi"), receivedAt: Date(), traceId: "trace-\(user)")
            inbound.conversationId = "conv-\(user)"
            return inbound.reply(content: .text("hello \(user)"), sender: .bot, stage: "nlp", at: Date())
        }

        @Test func refusedAndExhaustedSendsAreFailedAndDeadLetteredAndStatusesMoveSentMessagesForward() async throws {
            let environment = try ChannelWebhookTestEnvironment.make()
            let sms = ChannelWebhookCountingAdapter(
                channel: .sms, deliversLocally: false, outcome: .sent(providerMessageId: "SM-77"))
            let refused = ChannelWebhookCountingAdapter(
                channel: .telegram, deliversLocally: false,
                outcome: .permanentFailure(reason: "Forbidden: bot was blocked"))
            let flaky = ChannelWebhookCountingAdapter(
                channel: .messenger, deliversLocally: false, outcome: .retriableFailure(reason: "HTTP 503"))
            try await ChannelWebhookTestEnvironment.withDaemon(environment, adapters: [sms, refused, flaky]) { daemon in
                let topics = environment.settings.topics
                let sent = reply(channel: .sms, user: "+15550111")
                let blocked = reply(channel: .telegram, user: "4711")
                let unlucky = reply(channel: .messenger, user: "psid-1")
                try await daemon.producer.send(
                    try [sent, blocked, unlucky].map { try StageOutput.envelope($0, to: topics.outbound).record() })

                let deadletters = try KafkaConsumer(
                    configuration: environment.kafka, groupID: TestStack.uniqueName("dlq"), topics: [topics.deadletter],
                    logger: TestStack.logger("dlq"))
                let group = ServiceGroup(
                    services: [daemon.producer, try daemon.makeOutboundRunner()], logger: TestStack.logger("status"))
                let messages = daemon.context.database.messages
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    let letters = try await deadletters.collect(2).map {
                        try SwitchboardJSON.makeDecoder().decode(DeadLetter.self, from: Data($0.value))
                    }
                    #expect(
                        letters.contains { $0.reason == "telegram refused the message: Forbidden: bot was blocked" })
                    #expect(letters.contains { $0.reason == "messenger delivery failed after retries: HTTP 503" })
                    try await withTimeout(.seconds(30), "the SMS to be sent") {
                        while try await messages.message(id: sent.id)?.status != "sent" {
                            try await Task.sleep(for: .milliseconds(100))
                        }
                    }
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
                await deadletters.close()
                #expect(try await messages.message(id: sent.id)?.provider_message_id == "SM-77")
                let failed = try #require(try await messages.message(id: blocked.id))
                #expect(failed.status == "failed")
                #expect(failed.error == "Forbidden: bot was blocked")
                #expect(try await messages.message(id: unlucky.id)?.status == "failed")

                // Status webhooks: an event each, and the stored message moves forward only.
                // The daemon's producer was shut down with its service group: a fresh one for the webhooks.
                let producer = try KafkaProducer(configuration: environment.kafka, logger: TestStack.logger("status"))
                let publisher = InboundPublisher(producer: producer, topics: topics, messages: messages)
                func status(_ state: DeliveryStatus.State, error: String? = nil) -> Envelope {
                    var envelope = Envelope(
                        id: UUIDv7Generator().next(), tenantId: "acme", channel: .sms, direction: .inbound,
                        kind: .deliveryStatus, externalId: "+15550111", receivedAt: Date(), traceId: "status")
                    envelope.relatesTo = "SM-77"
                    envelope.deliveryStatus = DeliveryStatus(state: state, error: error)
                    return envelope
                }
                let events = try KafkaConsumer(
                    configuration: environment.kafka, groupID: TestStack.uniqueName("events"), topics: [topics.events],
                    logger: TestStack.logger("events"))
                try await publisher.publish([status(.read)])
                #expect(try await messages.message(id: sent.id)?.status == "read")
                try await publisher.publish([status(.delivered)])
                #expect(
                    try await messages.message(id: sent.id)?.status == "read", "a late 'delivered' does not undo 'read'"
                )
                let published = try await events.collect(2).map {
                    try SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data($0.value))
                }
                await events.close()
                await producer.shutdown()
                #expect(
                    published.allSatisfy { $0.type == .deliveryStatus && $0.details["provider_message_id"] == "SM-77" })
                #expect(Set(published.compactMap { $0.details["state"] }) == ["read", "delivered"])
            }
        }
    }
}
