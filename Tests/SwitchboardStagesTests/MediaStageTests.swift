import Foundation
import ServiceLifecycle
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("media stage of channel-webhook on the local broker and database")
struct MediaStageTests {
    @Test func aSessionedMediaMessageIsFetchedRetriedStoredAndCommitted() async throws {
        let bytes: [UInt8] = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 3) }
        try await FakeVendorServer.with { server in
            server.script("/cdn/a.png", [.init(status: 503), .bytes(200, bytes, contentType: "image/png")])
            let environment = try ChannelWebhookTestEnvironment.make(extra: [
                "SWITCHBOARD_MEDIA_RETRY_BASE_MS": "1", "SWITCHBOARD_MEDIA_RETRY_MAX_MS": "5",
            ])
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                let topics = environment.settings.topics
                let logger = TestStack.logger("media-stage")
                // As the session stage leaves it: stored, then on `sessioned`.
                let envelope = Envelope(
                    id: UUIDv7Generator().next(), tenantId: "acme", channel: .messenger, direction: .inbound,
                    externalId: "psid-1", customerId: "c-1",
                    content: .media(.init(reference: server.baseURL + "/cdn/a.png", mimeType: "image/png")),
                    receivedAt: Date(), traceId: "trace-media")
                let messages = daemon.context.database.messages
                try await messages.insertIfNew(MessageStore.StoredMessage(envelope, status: "received", at: Date()))
                try await daemon.producer.send([try StageOutput.envelope(envelope, to: topics.sessioned).record()])

                let runner = try #require(try daemon.makeMediaRunner())
                let group = ServiceGroup(services: [daemon.producer, runner], logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    try await waitUntil("media stored", timeout: .seconds(60), poll: .milliseconds(100)) {
                        try await messages.message(id: envelope.id)?.media_status?.state == .stored
                    }
                    // The offset is committed once the outcome is recorded.
                    try await KafkaGroupProgress.waitUntilCaughtUp(
                        group: StageRunner.Configuration(
                            stage: MediaFetchHandler.stage, inputTopic: topics.sessioned, topics: topics
                        ).groupID,
                        topic: topics.sessioned, configuration: environment.kafka, logger: logger)
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
                #expect(server.requests(to: "/cdn/a.png").count == 2)
                let status = try #require(try await messages.message(id: envelope.id)?.media_status)
                let file = try #require(
                    try await daemon.context.database.media.file(id: status.id ?? "", tenantId: "acme"))
                #expect(try await daemon.context.database.media.contents(of: file) == bytes)
                #expect(file.metadata.customer_id == "c-1")
            }
        }
    }
}
