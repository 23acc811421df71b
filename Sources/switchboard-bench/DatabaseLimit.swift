import Foundation
import Logging
import SwitchboardCore
import SwitchboardMongo
import SwitchboardRuntime
import SwitchboardStages

/// The database limit: what one message costs the database, exactly as the pipeline writes it, without Kafka
/// and without daemons.
///
/// Web chat messages from `customers` visitors go through the real stage handlers in batches of
/// `SWITCHBOARD_KAFKA_MAX_BATCH` (500 by default, the stages' batch size): customer-identification
/// (identities and profiles), session (sessions, human owners, the inbound message), and the outbound stage's
/// one write for a web chat reply (its bulk insert). The router and the bot write nothing. The handlers keep
/// their caches across batches as a stage that owns its partitions does. A fresh database per run, with
/// the pipeline's indexes; dropped at the end.
enum DatabaseLimit {
    struct Result {
        var messagesPerSecond: Double
        var seconds: Double
        var messages: Int
    }

    static func measure(
        environment: [String: String], messages: Int, customers: Int, logger: Logger
    ) async throws -> DatabaseLimit.Result {
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        var variables = environment
        variables["SWITCHBOARD_MONGO_DATABASE"] = "bench_dblimit_\(run)"
        let daemon = try DaemonEnvironment.fromProcess(name: "bench", defaultHTTPPort: 0, environment: variables)
        guard let tenant = daemon.tenants.tenants.first?.id else {
            throw BenchFailure.failed("the tenants file names no tenant")
        }
        let database = try await SwitchboardDatabase.connect(configuration: daemon.mongo, logger: logger)
        let identification = IdentificationHandler(profiles: database.profiles, environment: daemon)
        let session = SessionHandler(store: database, environment: daemon)
        let topics = daemon.settings.topics
        let batchSize = max(1, daemon.kafka.maxBatchSize)

        let start = Date()
        let envelopes = (0..<messages).map { index in
            var envelope = Envelope(
                id: UUIDv7Generator().next(), tenantId: tenant, channel: .webchat, direction: .inbound,
                externalId: "bench-\(run)-\(index % customers)", content: .text("message \(index)"),
                receivedAt: start.addingTimeInterval(Double(index) / 1000), traceId: "bench-\(run)-\(index)")
            envelope.conversationId = "bench-\(run)-\(index % customers)"
            return envelope
        }
        let seconds: Double
        do {
            seconds = try await write(
                envelopes, batchSize: batchSize, identification: identification, session: session,
                database: database, topics: topics, logger: logger)
        } catch {
            try? await database.client.dropDatabase()
            throw error
        }
        // Awaited, not deferred: the process ends right after.
        try? await database.client.dropDatabase()
        return Result(
            messagesPerSecond: Double(messages) / max(seconds, 0.000_001), seconds: seconds, messages: messages)
    }

    /// Writes every message as the stages do, a batch at a time; returns the seconds it took.
    private static func write(
        _ envelopes: [Envelope], batchSize: Int, identification: IdentificationHandler, session: SessionHandler,
        database: SwitchboardDatabase, topics: TopicNames, logger: Logger
    ) async throws -> Double {
        let messages = envelopes.count
        let clock = ContinuousClock()
        let began = clock.now
        for offset in stride(from: 0, to: messages, by: batchSize) {
            let slice = Array(envelopes[offset..<min(offset + batchSize, messages)])
            let identified = try outputs(
                try await identification.handle(
                    StageBatch(envelopes: slice, topic: topics.inbound, generation: 1, topics: topics, logger: logger)))
            let sessioned = try outputs(
                try await session.handle(
                    StageBatch(
                        envelopes: identified, topic: topics.identified, generation: 1, topics: topics, logger: logger))
            )
            let now = Date()
            let replies = sessioned.map {
                MessageStore.StoredMessage(
                    $0.reply(content: .text("Thanks"), sender: .bot, stage: "nlp", at: now), status: "delivered",
                    at: now)
            }
            _ = try await database.messages.insertManyIgnoringDuplicates(replies)
        }
        return (clock.now - began) / .seconds(1)
    }

    /// The envelopes a stage produced; any other result means the measurement is wrong.
    private static func outputs(_ results: [StageResult]) throws -> [Envelope] {
        try results.flatMap { result -> [Envelope] in
            guard case .produced(let outputs) = result else {
                throw BenchFailure.failed("a stage did not handle a benchmark message: \(result)")
            }
            return outputs.compactMap { if case .envelope(let envelope, _) = $0 { envelope } else { nil } }
        }
    }
}
