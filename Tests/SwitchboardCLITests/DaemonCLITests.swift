import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka
import SwitchboardTestSupport
import Testing

/// The CLI against the six daemons running as processes: send, trace, dead-letter replay, conversation.
@Suite(.serialized) struct DaemonCLITests {
    @Test func sendTraceAndReplayADeadLetter() async throws {
        let daemons = try DaemonProcesses(idleTimeoutSeconds: 600)
        defer { daemons.signalAll() }
        try await daemons.startAll()
        try await daemons.waitUntilReady()
        let cli = CLIProcess(against: daemons)

        // send + trace: one web chat message through all stages, and its reply.
        let sent = try await cli.run(["send", "--tenant", "demo", "--user", "cli-user", "--text", "Hello!"])
        #expect(sent.status == 0, "\(sent.error)")
        let id = try #require(sent.output.split(separator: " ").dropFirst().first.map(String.init))
        var trace = try await cli.run(["trace", id])
        for _ in 0..<50 where !(trace.output.contains("reply stored")) {
            try await Task.sleep(for: .milliseconds(300))
            trace = try await cli.run(["trace", id])
        }
        #expect(trace.status == 0, "\(trace.error)")
        for step in ["received", "identified", "sessioned", "routed to bot", "reply", "stored", "reply stored"] {
            #expect(trace.output.contains(step), "trace lacks \(step):\n\(trace.output)")
        }
        #expect(try await cli.run(["trace", UUID().uuidString]).status == 1)

        let conversation = try await cli.run(["conversation", "cli-user"])
        let customer = trace.output.split(separator: " ").first { $0.hasPrefix("customer=") }?.dropFirst(9)
        let history = try await cli.run(["conversation", String(customer ?? "")])
        #expect(conversation.status == 1 || conversation.status == 0)
        #expect(history.status == 0, "\(history.error)")
        #expect(history.output.contains("Hello!"))

        // A message for a tenant the tenants file lacks is dead-lettered by customer-identification.
        let poisoned = Envelope(
            id: UUID(), tenantId: "acme", channel: .webchat, direction: .inbound, channelMessageId: "acme-1",
            externalId: "acme-user", content: .text("hello from acme"), receivedAt: Date(), traceId: "acme-trace")
        var logger = Logger(label: "cli-tests")
        logger.logLevel = .error
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(brokers: try TestStack.kafkaBrokers), logger: logger)
        _ = try await producer.send(
            KafkaOutgoingRecord(
                topic: daemons.prefix + ".inbound",
                key: PartitionKey.inbound(tenantId: "acme", channel: .webchat, externalId: "acme-user").bytes,
                value: try EnvelopeCodec().encode(poisoned)))
        await producer.shutdown()
        var list = try await cli.run(["deadletter", "list"])
        for _ in 0..<50 where !list.output.contains("unknown tenant") {
            try await Task.sleep(for: .milliseconds(300))
            list = try await cli.run(["deadletter", "list"])
        }
        #expect(list.output.contains("customer-identification"), "\(list.output)\(list.error)")
        let row = try #require(list.output.split(separator: "\n").first { $0.contains("unknown tenant") })
        let n = String(row.split(separator: " ")[0])
        let shown = try await cli.run(["deadletter", "show", n])
        #expect(shown.output.contains("hello from acme"))

        // Fix the cause: restart customer-identification (and session) with a tenants file that has acme, then replay.
        // session reads the tenants file too (idle timeout), and it is the stage that stores the message.
        await daemons.stop("customer-identification")
        await daemons.stop("session")
        let tenantsFile = daemons.folder.appendingPathComponent("tenants.yaml")
        let tenants =
            try String(contentsOf: tenantsFile, encoding: .utf8) + "\n  - id: acme\n    idle_timeout_seconds: 600\n"
        try tenants.write(to: tenantsFile, atomically: true, encoding: .utf8)
        try daemons.start("customer-identification")
        try daemons.start("session")
        try await daemons.waitUntilReady()
        let replay = try await cli.run(["deadletter", "replay", n])
        #expect(replay.status == 0, "\(replay.error)")
        var traced = try await cli.run(["trace", poisoned.id.uuidString])
        for _ in 0..<100 where !traced.output.contains("messages status") {
            try await Task.sleep(for: .milliseconds(300))
            traced = try await cli.run(["trace", poisoned.id.uuidString])
        }
        #expect(
            traced.output.contains("messages status"), "\(traced.output)\n\(daemons.tail("customer-identification"))")
    }
}
