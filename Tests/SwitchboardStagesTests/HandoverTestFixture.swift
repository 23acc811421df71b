import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardKafka
import SwitchboardObservability
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization

/// A customer with an open session and one stored inbound message, on the test run's broker and database,
/// ready to be handed over.
struct HandoverFixture {
    let test: StageTestEnvironment
    let customerId = "customer-\(UUID().uuidString.prefix(8).lowercased())"
    let sessionId = UUIDv7Generator().next().uuidString.lowercased()
    /// The customer's message that asked for a human, as it arrives on the `handover` topic.
    let request: Envelope

    /// The demo tenant's agent key (see `StageTestEnvironment`) and the night tenant's, added here.
    static let agentKey = "agent-key"
    static let otherTenantAgentKey = "night-agent-key"

    init() async throws {
        test = try await StageTestEnvironment()
        request = try await Self.store(
            "I want to talk to a person", sequence: 0, customerId: customerId, sessionId: sessionId, test: test)
        try await test.database.sessions.insert(
            SessionRecord(
                id: sessionId, tenantId: "demo", customerId: customerId, startedAt: Date(), lastActivityAt: Date(),
                nextSequence: 1))
    }

    /// Stores an inbound message of the fixture's session, as the session stage would, and returns it as it
    /// continues down the pipeline.
    @discardableResult
    func storeInbound(_ text: String, sequence: Int64) async throws -> Envelope {
        try await Self.store(text, sequence: sequence, customerId: customerId, sessionId: sessionId, test: test)
    }

    private static func store(
        _ text: String, sequence: Int64, customerId: String, sessionId: String, test: StageTestEnvironment
    ) async throws -> Envelope {
        var envelope = inbound(text, from: "visitor-\(customerId)")
        envelope.customerId = customerId
        envelope.sessionId = sessionId
        envelope.sequence = sequence
        envelope.sessionOwner = .bot
        envelope.annotations.handoverReason = .customerAskedForHuman
        try await test.database.messages.insertIfNew(
            MessageStore.StoredMessage(envelope, status: "received", at: envelope.receivedAt))
        return envelope
    }

    var handler: HandoverHandler {
        HandoverHandler(database: test.database, tenants: test.environment.tenants)
    }

    var context: StageContext { test.context(test.topics.handover) }

    /// Opens the handover through the stage, as the `handover` topic would, and returns its id.
    func openHandover() async throws -> String {
        _ = try await handler.handle(request, context: context)
        return HandoverHandler.handoverId(for: request)
    }

    func session() async throws -> SessionRecord? {
        try await test.database.sessions.session(id: sessionId)
    }

    func ensureTopics() async throws {
        try await TopicBootstrap.ensureTopics(
            test.topics, partitions: 3, kafka: test.environment.kafka, logger: test.logger)
    }

    /// The agent API with ops endpoints, producing through `sink`; agent keys for the demo and night tenants.
    func application(
        sink: any HandoverSink, hub: DeskLiveHub? = nil, tenants: TenantDirectory? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) -> some ApplicationProtocol {
        let secrets = TenantSecrets(
            tenantIds: ["demo", "night"],
            environment: [
                "SWITCHBOARD_TENANT_DEMO_AGENT_KEY": Self.agentKey,
                "SWITCHBOARD_TENANT_NIGHT_AGENT_KEY": Self.otherTenantAgentKey,
            ])
        let desk = desk(sink: sink, tenants: tenants, now: now)
        var api = AgentAPI(desk: desk, accounts: accounts, secrets: secrets, hub: hub, logger: test.logger)
        api.search = MessageSearch(database: test.database)
        api.media = test.database.media
        return HumanHandoverDaemon.makeApplication(
            api: api,
            ops: OpsEndpoints(registry: test.environment.metrics, checks: []), host: "127.0.0.1", port: 0,
            logger: test.logger)
    }

    /// The desk with the test tenants' limits (or `tenants`), on `now`'s clock.
    func desk(
        sink: any HandoverSink, tenants: TenantDirectory? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) -> HandoverDesk {
        HandoverDesk(
            database: test.database, sink: sink, topics: test.topics, logger: test.logger,
            tenants: tenants ?? test.environment.tenants, now: now)
    }

    /// The desk accounts in the test database, hashing with bcrypt's lowest cost to keep tests fast.
    var accounts: DeskAccounts {
        DeskAccounts(
            accounts: test.database.agentAccounts, sessions: test.database.agentSessions,
            hasher: BcryptPasswordHasher(cost: 4), logger: test.logger)
    }

    func drop() async {
        await test.drop()
    }
}

/// A sink that acknowledges everything and keeps it, decoded, for the test to read.
final class RecordingSink: HandoverSink {
    private let records = Mutex<[KafkaOutgoingRecord]>([])

    func publish(_ records: [KafkaOutgoingRecord]) async throws {
        self.records.withLock { $0.append(contentsOf: records) }
    }

    /// Every record produced, in order.
    var recorded: [KafkaOutgoingRecord] { records.withLock { $0 } }

    /// The events produced to `topic`, in order.
    func events(on topic: String) -> [SwitchboardEvent] {
        records.withLock { $0 }.filter { $0.topic == topic }.compactMap {
            try? SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: Data($0.value))
        }
    }

    /// The envelopes produced to `topic`, in order.
    func envelopes(on topic: String) -> [Envelope] {
        records.withLock { $0 }.filter { $0.topic == topic }.compactMap { try? EnvelopeCodec().decode($0.value) }
    }
}

/// A sink whose broker never acknowledges anything.
struct HandoverFailingSink: HandoverSink {
    func publish(_ records: [KafkaOutgoingRecord]) async throws {
        throw CancellationError()
    }
}
