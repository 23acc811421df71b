import Foundation
import Logging
import Testing

@testable import SwitchboardObservability

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    private func makeLogger(
        _ capture: LogCapture,
        level: Logger.Level = .info,
        provider: Logger.MetadataProvider? = nil,
        now: @escaping @Sendable () -> Int64 = { 1_709_210_096_789 }
    ) -> Logger {
        Logger(label: "message-router") { label in
            JSONLogHandler(label: label, level: level, output: capture.output, metadataProvider: provider, now: now)
        }
    }

    @Test func lineHasTheFixedFieldsAndFlattenedMetadata() throws {
        let capture = LogCapture()
        let logger = self.makeLogger(capture)
        logger.warning(
            "record routed",
            metadata: [
                LogKeys.traceId: "4bf92f3577b34da6",
                LogKeys.partition: .stringConvertible(3),
                "route": ["queue": "billing", "priority": .stringConvertible(2)],
                "tags": ["vip", "fr"],
            ],
            source: "SwitchboardCore"
        )

        let objects = try capture.objects()
        let object = try #require(objects.first)
        #expect(objects.count == 1)
        #expect(object["ts"] as? String == "2024-02-29T12:34:56.789Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "message-router")
        #expect(object["msg"] as? String == "record routed")
        #expect(object["source"] as? String == "SwitchboardCore")
        #expect(object["trace_id"] as? String == "4bf92f3577b34da6")
        #expect(object["partition"] as? String == "3")
        let route = try #require(object["route"] as? [String: Any])
        #expect(route["queue"] as? String == "billing")
        #expect(route["priority"] as? String == "2")
        #expect(object["tags"] as? [String] == ["vip", "fr"])
    }

    @Test func levelBelowTheThresholdIsNotWritten() {
        let capture = LogCapture()
        let logger = self.makeLogger(capture, level: .notice)
        logger.info("hidden")
        logger.debug("hidden")
        logger.notice("shown")
        #expect(capture.lines.count == 1)
        #expect(capture.lines.first?.contains("\"shown\"") == true)
    }

    @Test(arguments: [
        "say \"hi\"",
        "back\\slash",
        "two\nlines\r\n",
        "tab\tbell\u{07}nul\u{00}esc\u{1B}del\u{7F}",
        "unicode: é ü 中文 🚀 \u{2028}\u{2029}",
        "{\"injected\": true}",
        "</script>",
    ])
    func trickyStringsRoundTrip(_ text: String) throws {
        let capture = LogCapture()
        let logger = self.makeLogger(capture)
        logger.info("\(text)", metadata: [text: "\(text)", "nested": ["k": "\(text)"]])

        let object = try #require(try capture.objects().first)
        #expect(object["msg"] as? String == text)
        #expect(object[text] as? String == text)
        #expect((object["nested"] as? [String: Any])?["k"] as? String == text)
        #expect(!capture.lines[0].dropLast().contains("\n"))
    }

    @Test func secretsAreRedactedAtAnyDepth() throws {
        let capture = LogCapture()
        let logger = self.makeLogger(capture)
        logger.info(
            "calling provider",
            metadata: [
                "api_key": "sk-live-123",
                "Authorization": "Bearer abc",
                "password": "hunter2",
                "webhook_secret": "whsec",
                "X-Api-Key": "k",
                "token": ["nested": "value"],
                "request": ["headers": ["authorization": "Bearer xyz", "accept": "json"]],
                "tokens_used": "42",
            ]
        )

        let line = try #require(capture.lines.first)
        for secret in ["sk-live-123", "Bearer", "hunter2", "whsec", "\"k\"", "value", "xyz"] {
            #expect(!line.contains(secret), "leaked \(secret)")
        }
        let object = try #require(try capture.objects().first)
        for key in ["api_key", "Authorization", "password", "webhook_secret", "X-Api-Key", "token"] {
            #expect(object[key] as? String == "[redacted]", "\(key)")
        }
        let headers = (object["request"] as? [String: Any])?["headers"] as? [String: Any]
        #expect(headers?["authorization"] as? String == "[redacted]")
        #expect(headers?["accept"] as? String == "json")
        #expect(object["tokens_used"] as? String == "42")
    }

    @Test func callMetadataWinsOverHandlerMetadataWhichWinsOverTheProvider() throws {
        let capture = LogCapture()
        let provider = Logger.MetadataProvider {
            [LogKeys.traceId: "from-provider", LogKeys.tenant: "provider-tenant", "provided": "yes"]
        }
        var logger = self.makeLogger(capture, provider: provider)
        logger[metadataKey: LogKeys.tenant] = "acme"
        logger[metadataKey: LogKeys.stage] = "session"
        logger.info("one", metadata: [LogKeys.stage: "override", LogKeys.envelopeId: "env-1"])
        logger.info("two")

        let objects = try capture.objects()
        try #require(objects.count == 2)
        #expect(objects[0]["tenant"] as? String == "acme")
        #expect(objects[0]["stage"] as? String == "override")
        #expect(objects[0]["envelope_id"] as? String == "env-1")
        #expect(objects[0]["trace_id"] as? String == "from-provider")
        #expect(objects[0]["provided"] as? String == "yes")
        #expect(objects[1]["stage"] as? String == "session")
        #expect(objects[1]["envelope_id"] == nil)
    }

    @Test func metadataCannotOverwriteTheFixedFields() throws {
        let capture = LogCapture()
        let logger = self.makeLogger(capture)
        logger.error("real message", metadata: ["msg": "forged", "level": "debug"])

        let object = try #require(try capture.objects().first)
        #expect(object["msg"] as? String == "real message")
        #expect(object["level"] as? String == "error")
        #expect(object["meta_msg"] as? String == "forged")
        #expect(object["meta_level"] as? String == "debug")
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(4_107_542_400_000), "2100-03-01T00:00:00.000Z"),
        (Int64(1_709_210_096_789), "2024-02-29T12:34:56.789Z"),
    ])
    func timestampsAreISO8601UTCWithMilliseconds(_ milliseconds: Int64, _ expected: String) {
        #expect(LogTimestamp.format(epochMilliseconds: milliseconds) == expected)
    }

    @Test func realClockTimestampIsCurrent() throws {
        let capture = LogCapture()
        let logger = Logger(label: "t") { JSONLogHandler(label: $0, output: capture.output) }
        let before = Date()
        logger.info("now")
        let object = try #require(try capture.objects().first)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let timestamp = try #require(object["ts"] as? String)
        let date = try #require(formatter.date(from: timestamp))
        #expect(abs(date.timeIntervalSince(before)) < 5)
    }

    @Test func levelComesFromTheEnvironment() throws {
        #expect(try LoggingBootstrap.level(environment: [:]) == .info)
        #expect(try LoggingBootstrap.level(environment: ["SWITCHBOARD_LOG_LEVEL": " DEBUG "]) == .debug)
        #expect(try LoggingBootstrap.level(environment: ["SWITCHBOARD_LOG_LEVEL": "critical"]) == .critical)
        #expect(throws: ObservabilityConfigurationError.self) {
            try LoggingBootstrap.level(environment: ["SWITCHBOARD_LOG_LEVEL": "verbose"])
        }
    }
}
