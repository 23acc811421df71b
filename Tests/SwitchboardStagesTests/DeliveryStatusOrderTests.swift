import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Status webhooks and our record of a send, in either order, against the real database.
@Suite("delivery statuses in either order")
struct DeliveryStatusOrderTests {
    func pendingReply(_ environment: StageTestEnvironment, tenant: String = "demo") async throws -> Envelope {
        let question = inbound("Where is my order?", tenant: tenant)
        let reply = question.reply(content: .text("On its way"), sender: .bot, stage: "nlp-plugin", at: Date())
        try await environment.database.messages.insertIfNew(.init(reply, status: "pending", at: Date()))
        return reply
    }

    func status(_ environment: StageTestEnvironment, _ reply: Envelope) async throws -> String? {
        try await environment.database.messages.message(id: reply.id)?.status
    }

    @Test func aStatusThatComesBeforeTheSendIsRecordedIsAppliedWhenItIs() async throws {
        let environment = try await StageTestEnvironment()
        defer { Task { await environment.drop() } }
        let messages = environment.database.messages
        let reply = try await pendingReply(environment)

        let appliedEarly = try await messages.recordDeliveryStatus(
            tenantId: "demo", providerMessageId: "wamid.early", state: .delivered, error: nil, at: Date())
        #expect(!appliedEarly)
        #expect(try await status(environment, reply) == "pending")

        try await messages.markSent(id: reply.id, tenantId: "demo", providerMessageId: "wamid.early")
        let stored = try #require(try await messages.message(id: reply.id))
        #expect(stored.status == "delivered")
        #expect(stored.provider_message_id == "wamid.early")

        // Parked only once: a later send record of another message with another id is unaffected.
        let other = try await pendingReply(environment)
        try await messages.markSent(id: other.id, tenantId: "demo", providerMessageId: "wamid.other")
        #expect(try await status(environment, other) == "sent")
    }

    @Test func recordingTheSendNeverMovesAMessageBack() async throws {
        let environment = try await StageTestEnvironment()
        defer { Task { await environment.drop() } }
        let messages = environment.database.messages
        let reply = try await pendingReply(environment)
        try await messages.markSent(id: reply.id, tenantId: "demo", providerMessageId: "SM1")
        #expect(try await status(environment, reply) == "sent")
        let read = try await messages.recordDeliveryStatus(
            tenantId: "demo", providerMessageId: "SM1", state: .read, error: nil, at: Date())
        #expect(read)
        // A redelivered send record (the stage retried after a failure) and a late `delivered` change nothing.
        try await messages.markSent(id: reply.id, tenantId: "demo", providerMessageId: "SM1")
        let late = try await messages.recordDeliveryStatus(
            tenantId: "demo", providerMessageId: "SM1", state: .delivered, error: nil, at: Date())
        #expect(!late)
        #expect(try await status(environment, reply) == "read")
        // Another tenant's message with the same provider id is another message.
        let elsewhere = try await messages.recordDeliveryStatus(
            tenantId: "night", providerMessageId: "SM1", state: .failed, error: "30003", at: Date())
        #expect(!elsewhere)
        #expect(try await status(environment, reply) == "read")
    }

    @Test func racingWebhooksAndSendRecordsAlwaysEndDelivered() async throws {
        let environment = try await StageTestEnvironment()
        defer { Task { await environment.drop() } }
        let messages = environment.database.messages
        var replies: [Envelope] = []
        for _ in 0..<40 { replies.append(try await pendingReply(environment)) }
        let pairs = replies.enumerated().map { ($0.element.id, "wamid.race-\($0.offset)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (id, providerId) in pairs {
                group.addTask {
                    try await messages.recordDeliveryStatus(
                        tenantId: "demo", providerMessageId: providerId, state: .delivered, error: nil, at: Date())
                }
                group.addTask {
                    try await messages.markSent(id: id, tenantId: "demo", providerMessageId: providerId)
                }
            }
            try await group.waitForAll()
        }
        var statuses: [String] = []
        for reply in replies { statuses.append(try await status(environment, reply) ?? "missing") }
        #expect(statuses == Array(repeating: "delivered", count: replies.count))
    }

    @Test func aReadWatermarkMarksEverythingSentBeforeItRead() async throws {
        let environment = try await StageTestEnvironment()
        defer { Task { await environment.drop() } }
        let messages = environment.database.messages
        let watermark = Date(timeIntervalSince1970: 1_800_000_000)
        func stored(_ status: String, at time: Date, to user: String = "psid-1") async throws -> Envelope {
            let question = inbound("Hi", from: user, channel: .messenger)
            let reply = question.reply(content: .text("Hello"), sender: .bot, stage: "nlp-plugin", at: time)
            try await messages.insertIfNew(.init(reply, status: status, at: time))
            return reply
        }
        let sent = try await stored("sent", at: watermark.addingTimeInterval(-60))
        let delivered = try await stored("delivered", at: watermark.addingTimeInterval(-1))
        let pending = try await stored("pending", at: watermark.addingTimeInterval(-30))
        let later = try await stored("sent", at: watermark.addingTimeInterval(5))
        let otherCustomer = try await stored("sent", at: watermark.addingTimeInterval(-60), to: "psid-2")

        let changed = try await messages.applyReadWatermark(
            tenantId: "demo", channel: .messenger, externalId: "psid-1", upTo: watermark)
        #expect(changed == 2)
        var statuses: [String] = []
        for reply in [sent, delivered, pending, later, otherCustomer] {
            statuses.append(try await status(environment, reply) ?? "missing")
        }
        #expect(statuses == ["read", "read", "pending", "sent", "sent"])
    }
}
