import Foundation
import ServiceLifecycle
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("human-handover stage against the local broker and database")
struct HandoverHandlerTests {
    @Test func aHandoverRequestOpensOneHandoverAndRedeliveryRepeatsTheSameOutputs() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let topics = fixture.test.topics

        let outputs = try await fixture.handler.handle(fixture.request, context: fixture.context)

        let waiting = try await fixture.test.database.handovers.list(tenantId: "demo", status: .waiting)
        #expect(waiting.count == 1)
        let handover = try #require(waiting.first)
        #expect(handover.id == HandoverHandler.handoverId(for: fixture.request))
        #expect(handover.sessionId == fixture.sessionId)
        #expect(handover.customerId == fixture.customerId)
        #expect(handover.reason == .customerAskedForHuman)

        let session = try #require(try await fixture.session())
        #expect(session.owner == .human(agentId: nil))
        #expect(session.handover?.handoverId == handover.id)

        let events = try outputs.events(on: topics.events)
        #expect(events.map(\.type) == [.handoverStarted])
        #expect(events.first?.details["handover_id"] == handover.id)
        #expect(events.first?.details["reason"] == "customer_asked_for_human")
        #expect(events.first?.traceId == fixture.request.traceId)
        let eventRecord = try #require(outputs.first { $0.topic == topics.events })
        #expect(
            try eventRecord.record().key
                == PartitionKey.customer(tenantId: "demo", customerId: fixture.customerId).bytes)

        let replies = try outputs.envelopes(on: topics.outbound)
        #expect(replies.count == 1)
        let acknowledgement = try #require(replies.first)
        #expect(acknowledgement.sender == .system)
        #expect(acknowledgement.direction == .outbound)
        #expect(acknowledgement.replyTo == fixture.request.id)
        #expect(acknowledgement.externalId == fixture.request.externalId)
        #expect(acknowledgement.conversationId == fixture.request.conversationId)
        #expect(acknowledgement.content?.textForUnderstanding?.contains("team") == true)

        // A redelivery of the same record stores nothing new and produces the same ids again.
        let again = try await fixture.handler.handle(fixture.request, context: fixture.context)
        #expect(try await fixture.test.database.handovers.list(tenantId: "demo", status: .waiting).count == 1)
        #expect(try again.events(on: topics.events).map(\.id) == events.map(\.id))
        #expect(try again.envelopes(on: topics.outbound).map(\.id) == [acknowledgement.id])
    }

    @Test func furtherMessagesWhileAHandoverIsActiveProduceOnlyALiveEventAndRepairTheOwner() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let handoverId = try await fixture.openHandover()
        let topics = fixture.test.topics

        let next = try await fixture.storeInbound("hello? anyone there?", sequence: 1)
        let outputs = try await fixture.handler.handle(next, context: fixture.context)
        #expect(try outputs.envelopes(on: topics.outbound).isEmpty, "the customer gets no second acknowledgement")
        let events = try outputs.events(on: topics.events)
        #expect(events.map(\.type) == [.handoverCustomerMessage])
        #expect(events.first?.details["message_id"] == next.id.uuidString.lowercased())
        #expect(events.first?.details["handover_id"] == handoverId)
        #expect(events.first?.details.values.contains("hello? anyone there?") == false, "ids only, never the text")
        let again = try await fixture.handler.handle(next, context: fixture.context)
        #expect(try again.events(on: topics.events).map(\.id) == events.map(\.id), "a redelivery, the same event")
        #expect(try await fixture.test.database.handovers.list(tenantId: "demo", status: .waiting).count == 1)

        // A crash between storing the handover and updating the session left the bot in charge: the next
        // message puts humans back in charge without opening a second handover.
        try await fixture.test.database.sessions.setOwner(sessionId: fixture.sessionId, owner: .bot, handover: nil)
        let third = try await fixture.storeInbound("still waiting", sequence: 2)
        #expect(try await fixture.handler.handle(third, context: fixture.context).count == 1)
        let session = try #require(try await fixture.session())
        #expect(session.owner == .human(agentId: nil))
        #expect(session.handover?.handoverId == handoverId)
        #expect(try await fixture.test.database.handovers.list(tenantId: "demo", status: .waiting).count == 1)
    }

    @Test func theReasonComesFromTheAnnotationAndAResolvedHandoverIsNotReopenedByAReplay() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        var request = fixture.request
        request.annotations.handoverReason = .lowConfidence
        _ = try await fixture.handler.handle(request, context: fixture.context)
        let id = HandoverHandler.handoverId(for: request)
        #expect(try await fixture.test.database.handovers.handover(tenantId: "demo", id: id)?.reason == .lowConfidence)

        let desk = HandoverDesk(
            database: fixture.test.database, sink: HandoverFailingSink(), topics: fixture.test.topics,
            logger: fixture.test.logger)
        await #expect(throws: HandoverDeskError.self) {
            try await desk.resolve(tenantId: "demo", id: id, agentId: "agent-1")
        }
        // The resolve itself is stored (only its event failed); replaying the old request opens nothing.
        #expect(try await fixture.test.database.handovers.handover(tenantId: "demo", id: id)?.status == .resolved)
        #expect(try await fixture.handler.handle(request, context: fixture.context).isEmpty)
        #expect(try await fixture.test.database.handovers.list(tenantId: "demo", status: .waiting).isEmpty)
        #expect(try await fixture.session()?.owner == .bot)
    }

    @Test func envelopesWithoutSessionOrCustomerOrOfUnknownTenantsAreDeadLettered() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        var noSession = fixture.request
        noSession.sessionId = nil
        var noCustomer = fixture.request
        noCustomer.customerId = nil
        var unknownTenant = fixture.request
        unknownTenant.tenantId = "nobody"
        for envelope in [noSession, noCustomer, unknownTenant] {
            await #expect(throws: StageFailure.self) {
                try await fixture.handler.handle(envelope, context: fixture.context)
            }
        }
        #expect(try await fixture.test.database.handovers.list(tenantId: "demo", status: .waiting).isEmpty)
    }

    /// The daemon as its executable builds it, fed through the real `handover` topic.
    @Test func theDaemonConsumesTheHandoverTopicAndProducesTheEventsAndTheAcknowledgement() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let topics = fixture.test.topics
        let logger = fixture.test.logger
        try await fixture.ensureTopics()
        let services = try await HumanHandoverDaemon.build(environment: fixture.test.environment, logger: logger)
        let group = ServiceGroup(services: services, logger: logger)

        let producer = try KafkaProducer(configuration: fixture.test.environment.kafka, logger: logger)
        let second = try await fixture.storeInbound("are you there?", sequence: 1)
        // The request, the same request again (a redelivery), then a second message of the same session.
        try await producer.send(
            try [fixture.request, fixture.request, second].map {
                try StageOutput.envelope($0, to: topics.handover).record()
            })

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let reader = try KafkaConsumer(
                configuration: fixture.test.environment.kafka, groupID: TestStack.uniqueName("handover-reader"),
                topics: [topics.events, topics.outbound], logger: logger)
            let records = try await reader.collect(5)
            await #expect(throws: TestTimeout.self) { try await reader.collect(1, within: .seconds(3)) }
            await reader.close()

            let events = try records.filter { $0.topic == topics.events }.map {
                try SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data($0.value))
            }
            let replies = try records.filter { $0.topic == topics.outbound }.map {
                try EnvelopeCodec().decode($0.value)
            }
            let started = events.filter { $0.type == .handoverStarted }
            #expect(started.count == 2 && Set(started.map(\.id)).count == 1, "the redelivery repeats the same event")
            // The second message is announced to the desk's live updates, by id only (a redelivery repeats it).
            let announced = events.filter { $0.type == .handoverCustomerMessage }
            let secondId = second.id.uuidString.lowercased()
            #expect(!announced.isEmpty && announced.allSatisfy { $0.details["message_id"] == secondId }, "\(events)")
            #expect(replies.count == 2 && Set(replies.map(\.id)).count == 1, "the redelivery repeats the same reply id")
            #expect(replies.allSatisfy { $0.sender == .system && $0.replyTo == fixture.request.id })
            #expect(try await fixture.test.database.handovers.list(tenantId: "demo", status: .waiting).count == 1)
            #expect(try await fixture.session()?.owner == .human(agentId: nil))

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await producer.shutdown()
    }
}
