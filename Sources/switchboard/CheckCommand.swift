import ArgumentParser
import Foundation
import Logging
import SwitchboardKafka
import SwitchboardMongo

/// `switchboard check`: a real round trip through the broker and the database, printed step by step.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the broker and the database with a real produce/consume and insert/find round trip.",
        discussion: """
            Reads SWITCHBOARD_KAFKA_BROKERS and SWITCHBOARD_MONGO_URI (see the README's configuration table).
            Exit codes: 0 all good, 3 librdkafka too old, 4 broker failed, 5 database failed.
            """
    )

    @Option(help: "Messages to produce and consume.")
    var messages = 3

    struct CheckDocument: Codable, Sendable {
        var _id: String
        var note: String
        var checkedAt: Date
        var count: Int
    }

    func run() async throws {
        try CLIFailure.check("--messages", messages, in: 1...10_000)
        do {
            try KafkaLibrary.requireSupportedVersion()
        } catch let error as KafkaError {
            printError(error.reason)
            throw ExitCode(3)
        }
        print("librdkafka \(KafkaLibrary.loadedVersion) loaded")
        var logger = Logger(label: "switchboard-check")
        logger.logLevel = .error

        let kafka = try KafkaConfiguration()
        do {
            try await checkKafka(kafka, logger: logger)
        } catch {
            printError("broker at \(kafka.brokers) failed: \(error) (is it running? `make stack-up` starts one)")
            throw ExitCode(4)
        }
        let mongo = try MongoConfiguration(environment: ProcessInfo.processInfo.environment)
        do {
            try await checkMongo(mongo, logger: logger)
        } catch {
            printError("database at \(mongo.redactedURI) failed: \(error) (is it running? `make stack-up` starts one)")
            throw ExitCode(5)
        }
        print("check passed")
    }

    private func checkKafka(_ configuration: KafkaConfiguration, logger: Logger) async throws {
        var configuration = configuration
        configuration.messageTimeout = .seconds(10)
        configuration.sessionTimeout = .seconds(6)
        let topic = "switchboard.check"
        let admin = try KafkaAdmin(configuration: configuration, logger: logger)
        try await admin.createTopics([KafkaTopicSpec(name: topic, partitions: 3)])
        print("kafka: topic \(topic) ready at \(configuration.brokers)")

        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let runID = UUID().uuidString.prefix(8).lowercased()
        let clock = ContinuousClock()
        let started = clock.now
        let records = (1...messages).map { index in
            KafkaOutgoingRecord(
                topic: topic, key: "check-\(runID)", value: Array("round trip \(runID) #\(index)".utf8),
                headers: [KafkaHeader(name: "switchboard-trace-id", text: "check-\(runID)-\(index)")])
        }
        let reports = try await producer.send(records)
        for report in reports {
            print("kafka: produced to \(report.topic)[\(report.partition)] at offset \(report.offset)")
        }
        await producer.shutdown()

        let consumer = try KafkaConsumer(
            configuration: configuration, groupID: "switchboard-check-\(runID)", topics: [topic], logger: logger)
        var seen = 0
        for try await batch in consumer.batches() {
            for record in batch where record.header("switchboard-trace-id")?.hasPrefix("check-\(runID)") == true {
                seen += 1
                print(
                    "kafka: consumed \"\(String(decoding: record.value, as: UTF8.self))\" from partition "
                        + "\(record.partition) offset \(record.offset), trace \(record.header("switchboard-trace-id") ?? "-")"
                )
            }
            try await consumer.commit(batch)
            if seen >= messages { break }
        }
        await consumer.close()
        print("kafka: round trip of \(messages) messages in \(clock.now - started)")
    }

    private func checkMongo(_ configuration: MongoConfiguration, logger: Logger) async throws {
        let client = try MongoClient(configuration: configuration, logger: logger)
        try await client.ping()
        let checks = client.collection("checks", as: CheckDocument.self)
        let id = "check-\(UUID().uuidString.lowercased())"
        try await checks.insert(CheckDocument(_id: id, note: "inserted ✓", checkedAt: Date(), count: 1))
        print("mongo: inserted \(id) into \(configuration.database).checks at \(configuration.redactedURI)")
        _ = try await checks.updateOne(filter: ["_id": .string(id)], update: ["$inc": ["count": 1]], upsert: true)
        guard let found = try await checks.findOne(["_id": .string(id)]) else {
            throw CheckFailure(reason: "the inserted document was not found")
        }
        print("mongo: found it again: note \"\(found.note)\", count \(found.count)")
        _ = try await checks.deleteMany(["_id": .string(id)])
        print("mongo: removed it")
    }
}

struct CheckFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
