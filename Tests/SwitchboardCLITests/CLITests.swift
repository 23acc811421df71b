import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The operators' CLI against the real local broker and database, run as the built `switchboard` binary.
@Suite(.serialized) struct CLITests {
    let prefix: String
    let cli: CLIProcess
    let kafka: KafkaConfiguration
    let logger: Logger

    init() throws {
        prefix = TestStack.uniqueName("cli") + "."
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_KAFKA_BROKERS"] = try TestStack.kafkaBrokers
        environment["SWITCHBOARD_MONGO_URI"] = try TestStack.mongoURI
        environment["SWITCHBOARD_MONGO_DATABASE"] = String(prefix.dropLast()).replacingOccurrences(of: "-", with: "_")
        environment["SWITCHBOARD_TOPIC_PREFIX"] = prefix
        cli = CLIProcess(environment: environment)
        kafka = KafkaConfiguration(brokers: try TestStack.kafkaBrokers)
        var logger = Logger(label: "cli-tests")
        logger.logLevel = .error
        self.logger = logger
    }

    static func envelope(tenant: String, user: String, text: String) -> Envelope {
        Envelope(
            id: UUID(), tenantId: tenant, channel: .webchat, direction: .inbound,
            channelMessageId: "m-\(UUID().uuidString.prefix(8))", externalId: user, customerId: "customer-\(user)",
            content: .text(text), receivedAt: Date(), traceId: "trace-\(UUID().uuidString.prefix(8))")
    }

    func produce(_ envelopes: [Envelope], to topic: String) async throws {
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let records = try envelopes.map { envelope in
            KafkaOutgoingRecord(
                topic: topic,
                key: PartitionKey.inbound(
                    tenantId: envelope.tenantId, channel: envelope.channel,
                    externalId: envelope.externalId
                ).bytes,
                value: try EnvelopeCodec().encode(envelope),
                headers: EnvelopeHeaders.headers(for: envelope).map { KafkaHeader(name: $0.name, value: $0.value) })
        }
        _ = try await producer.send(records)
        await producer.shutdown()
    }

    func waitFor(_ text: String, in running: CLIProcess.Running, error: Bool = false) async throws {
        for _ in 0..<200 {
            let seen = error ? ((try? String(contentsOf: running.err, encoding: .utf8)) ?? "") : running.output
            if seen.contains(text) { return }
            if !running.process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("never printed \(text)")
    }

    @Test func brokerUnreachableExitsFourWithOneLine() async throws {
        var offline = cli
        offline.environment["SWITCHBOARD_KAFKA_BROKERS"] = "127.0.0.1:1"
        let result = try await offline.run(["topics"])
        #expect(result.status == 4)
        let lines = result.error.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.error)")
        #expect(result.error.contains("127.0.0.1:1"))
        #expect(try await cli.run(["tail"]).status == 2)
        #expect(try await cli.run(["tail", "--help"]).status == 0)
    }

    @Test func databaseUnreachableExitsFiveWithOneLine() async throws {
        var offline = cli
        offline.environment["SWITCHBOARD_MONGO_URI"] = "mongodb://127.0.0.1:1"
        let result = try await offline.run(["conversation", "someone"])
        #expect(result.status == 5, "\(result.error)")
        #expect(result.error.split(separator: "\n").count == 1, "stderr: \(result.error)")
        #expect(result.error.contains("mongodb://127.0.0.1:1"), "\(result.error)")
        #expect(result.error.contains("SWITCHBOARD_MONGO_URI"), "\(result.error)")
    }

    @Test func tailShowsNewRecordsFilteredAndJoinsNoGroup() async throws {
        #expect(try await cli.run(["topics", "create", "--partitions", "3"]).status == 0)
        let tail = try cli.start([
            "tail", "identified", "--tenant", "t1", "--customer", "customer-alice", "--limit", "2", "--timeout", "60",
        ])
        // Printed once the reader is assigned at the partitions' end offsets (shown in the line): everything
        // produced from here on is after them.
        try await waitFor("tailing", in: tail, error: true)
        try await produce(
            [
                Self.envelope(tenant: "t1", user: "alice", text: "first from alice"),
                Self.envelope(tenant: "t1", user: "bob", text: "from bob"),
                Self.envelope(tenant: "t2", user: "alice", text: "other tenant"),
                Self.envelope(tenant: "t1", user: "alice", text: "second from alice"),
            ], to: prefix + "identified")
        let result = try await tail.finished()
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("first from alice"))
        #expect(result.output.contains("second from alice"))
        #expect(!result.output.contains("from bob"))
        #expect(!result.output.contains("other tenant"))
        #expect(result.output.split(separator: "\n").count == 2)

        // The reader's group never committed anything, and the stage's group is untouched.
        let group = try #require(
            result.error.split(separator: " ").first { $0.hasPrefix("switchboard-reader-") }.map(String.init))
        let partitions = (0..<3).map { TopicPartition(topic: prefix + "identified", partition: Int32($0)) }
        for name in [group, prefix + "session"] {
            let committed = try await KafkaAdmin.committedOffsets(
                of: name, partitions: partitions, configuration: kafka, logger: logger)
            #expect(committed.values.allSatisfy { $0 == nil }, "\(name) has commits: \(committed)")
        }
    }

    @Test func topicsLagFallsToZeroWhenTheStageCatchesUp() async throws {
        #expect(try await cli.run(["topics", "create", "--partitions", "2"]).status == 0)
        try await produce(
            (0..<5).map { Self.envelope(tenant: "demo", user: "u\($0)", text: "n\($0)") }, to: prefix + "inbound")
        let before = try await cli.run(["topics"])
        #expect(before.status == 0, "\(before.error)")
        let group = prefix + "customer-identification"
        // Tansu reports the last batch's base offset + 1 as the high watermark, so the lag before may be below 5.
        let lagBefore = before.output.split(separator: "\n").first { $0.hasPrefix(group + " ") }
        #expect(lagBefore?.contains("lag 0") == false, "\(before.output)")

        // Stand in for the stage: consume and commit everything under its group.
        let consumer = try KafkaConsumer(
            configuration: kafka, groupID: group, topics: [prefix + "inbound"], logger: logger)
        var seen = 0
        for try await batch in consumer.batches() {
            seen += batch.count
            try await consumer.commit(batch)
            if seen >= 5 { break }
        }
        await consumer.close()
        let after = try await cli.run(["topics"])
        let line = after.output.split(separator: "\n").first { $0.hasPrefix(group + " ") }
        #expect(line?.contains("lag 0") == true, "\(after.output)")
    }

    @Test func tailStartsEarlierFromTheBeginningOrSince() async throws {
        #expect(try await cli.run(["topics", "create", "--partitions", "3"]).status == 0)
        try await produce(
            [Self.envelope(tenant: "t1", user: "early", text: "the older one")], to: prefix + "identified")
        // Part of the behaviour under test, not a wait for something to happen: --since picks by record time,
        // so the two records must be seconds apart, and the broker stamps them when they are produced.
        try await Task.sleep(for: .seconds(6))
        try await produce([Self.envelope(tenant: "t1", user: "late", text: "the newer one")], to: prefix + "identified")

        // Both older than this start, the first 6 s older than the second: --since 5s takes only the second.
        let everything = try cli.start(["tail", "identified", "--from-beginning", "--limit", "2", "--timeout", "60"])
        let recent = try cli.start(["tail", "identified", "--since", "5s", "--timeout", "4"])
        let fromNow = try cli.start(["tail", "identified", "--timeout", "4"])

        let all = try await everything.finished()
        #expect(all.status == 0, "\(all.error)")
        #expect(all.output.contains("the older one") && all.output.contains("the newer one"), "\(all.output)")
        #expect(all.output.split(separator: "\n").count == 2, "\(all.output)")
        let since = try await recent.finished()
        #expect(since.status == 0, "\(since.error)")
        #expect(since.output.contains("the newer one"), "\(since.output)")
        #expect(!since.output.contains("the older one"), "\(since.output)")
        let now = try await fromNow.finished()
        #expect(now.status == 0, "\(now.error)")
        #expect(now.output.isEmpty, "\(now.output)")
    }

    @Test func tailFiltersBySessionAndChannelAndPrintsTheRawEnvelope() async throws {
        #expect(try await cli.run(["topics", "create", "--partitions", "3"]).status == 0)
        func envelope(_ session: String, _ channel: Channel, _ text: String) -> Envelope {
            var envelope = Self.envelope(tenant: "t1", user: "sam", text: text)
            envelope.sessionId = session
            envelope.channel = channel
            return envelope
        }
        let wanted = envelope("session-1", .whatsapp, "the one")
        try await produce(
            [
                envelope("session-1", .webchat, "other channel"), wanted,
                envelope("session-2", .whatsapp, "other session"),
            ],
            to: prefix + "identified")
        let result = try await cli.run([
            "tail", "identified", "--from-beginning", "--session", "session-1", "--channel", "whatsapp", "--json",
            "--limit", "2", "--timeout", "8",
        ])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1, "\(result.output)")
        let printed = try EnvelopeCodec().decode(Array(try #require(lines.first).utf8))
        #expect(printed.id == wanted.id)
        #expect(printed.content == .text("the one"))
    }

    /// Numbers out of range (NaN, infinity, negative, zero counts, spans whose dates would overflow) are
    /// usage errors naming the option, before anything connects: none of them may crash the CLI.
    @Test func numericOptionsOutOfRangeAreOneLineUsageErrors() async throws {
        let refused: [[String]] = [
            ["tail", "identified", "--since=nan"], ["tail", "identified", "--since=inf"],
            ["tail", "identified", "--since=1e30"], ["tail", "identified", "--since=-5m"],
            ["tail", "identified", "--timeout=nan"], ["tail", "identified", "--limit=0"],
            ["send", "--user", "u", "--text", "hi", "--timeout=inf"],
            ["send", "--channel", "whatsapp", "--user", "+1", "--text", "hi", "--wait", "--timeout=-1"],
            ["conversation", "someone", "--limit=0"], ["conversation", "someone", "--limit=-3"],
            ["check", "--messages=0"], ["check", "--messages=-1"],
            ["topics", "create", "--partitions=0"], ["topics", "create", "--replication-factor=0"],
            ["topics", "create", "--partitions=99999999999"],
        ]
        for arguments in refused {
            let result = try await cli.run(arguments)
            let option = try #require(arguments.last?.split(separator: "=").first.map(String.init))
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.error)")
            #expect(result.error.split(separator: "\n").count == 1, "\(arguments): \(result.error)")
            #expect(result.error.contains(option), "\(arguments): \(result.error)")
            #expect(result.output.isEmpty, "\(arguments): \(result.output)")
        }
    }

    @Test func conversationLimitKeepsTheNewestMessagesOldestFirst() async throws {
        var logger = Logger(label: "cli-tests")
        logger.logLevel = .error
        let database = try await SwitchboardDatabase.connect(
            configuration: try MongoConfiguration(environment: cli.environment), logger: logger)
        let start = Date().addingTimeInterval(-60)
        for (index, text) in ["first words", "second words", "third words"].enumerated() {
            let envelope = Self.envelope(tenant: "t1", user: "zed", text: text)
            let stored = MessageStore.StoredMessage(
                envelope, status: "received", at: start.addingTimeInterval(Double(index)))
            #expect(try await database.messages.insertIfNew(stored))
        }
        let newest = try await cli.run(["conversation", "customer-zed", "--limit", "2"])
        #expect(newest.status == 0, "\(newest.error)")
        #expect(!newest.output.contains("first words"), "\(newest.output)")
        let second = try #require(newest.output.range(of: "second words"), "\(newest.output)")
        let third = try #require(newest.output.range(of: "third words"), "\(newest.output)")
        #expect(second.lowerBound < third.lowerBound)
        let all = try await cli.run(["conversation", "customer-zed"])
        #expect(all.output.contains("first words") && all.output.contains("third words"), "\(all.output)")
    }
}
