import Foundation
import NIOCore
import SwitchboardCore
import Testing

@testable import SwitchboardStages

@Suite("notification pieces: SMTP replies, messages and dialog; the queue; the backoff")
struct NotificationUnitTests {
    @Test("SMTP replies: one line, several lines, and malformed ones refused")
    func replies() throws {
        var pending: [String] = []
        var code: Int?
        #expect(
            try SMTPReplyDecoder.feed("220 ready", pending: &pending, code: &code)
                == SMTPReply(code: 220, lines: ["ready"]))
        #expect(try SMTPReplyDecoder.feed("250-sink", pending: &pending, code: &code) == nil)
        #expect(try SMTPReplyDecoder.feed("250-AUTH PLAIN", pending: &pending, code: &code) == nil)
        #expect(
            try SMTPReplyDecoder.feed("250 SIZE 1000", pending: &pending, code: &code)
                == SMTPReply(code: 250, lines: ["sink", "AUTH PLAIN", "SIZE 1000"]))
        #expect(try SMTPReplyDecoder.feed("354", pending: &pending, code: &code) == SMTPReply(code: 354, lines: [""]))
        for bad in ["hello", "25 short", "250xtext"] {
            var pending: [String] = []
            var code: Int?
            #expect(throws: SMTPReplyDecoder.Malformed.self) {
                try SMTPReplyDecoder.feed(bad, pending: &pending, code: &code)
            }
        }
        var mixed: [String] = []
        var mixedCode: Int?
        _ = try SMTPReplyDecoder.feed("250-one", pending: &mixed, code: &mixedCode)
        #expect(throws: SMTPReplyDecoder.Malformed.self) {
            try SMTPReplyDecoder.feed("550 two", pending: &mixed, code: &mixedCode)
        }
    }

    @Test("DATA: CRLF line ends, dot-stuffing, the terminator; a body cannot end the message early")
    func dotStuffing() {
        #expect(SMTPMessage.dotStuffed("a\n.b\n..c\r\nd\re") == "a\r\n..b\r\n...c\r\nd\r\ne\r\n")
        #expect(SMTPMessage.dotStuffed(".\n") == "..\r\n")
        let message = SMTPMessage(
            from: "desk@example.com", to: ["a@example.com"], subject: "s", body: "line\n.\nQUIT\n", messageId: "m@x",
            date: Date(timeIntervalSince1970: 0))
        let text = String(decoding: message.rendered, as: UTF8.self)
        #expect(text.hasSuffix("\r\nline\r\n..\r\nQUIT\r\n.\r\n"))
        #expect(text.components(separatedBy: "\r\n.\r\n").count == 2, "one terminator only")
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
    }

    @Test("header values cannot break their field: CR and LF become spaces; non-ASCII is an encoded word")
    func headerInjection() {
        let message = SMTPMessage(
            from: "desk@example.com", to: ["a@example.com"], subject: "Hi\r\nBcc: evil@example.com\r\n\r\nbody",
            body: "x", messageId: "m@x", date: Date(timeIntervalSince1970: 0),
            extraHeaders: [("X-Test", "v\nInjected: 1"), ("Bad Name", "dropped")])
        let text = String(decoding: message.rendered, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        let names = head.components(separatedBy: "\r\n").map { $0.components(separatedBy: ":")[0] }
        #expect(!names.contains("Bcc") && !names.contains("Injected") && !names.contains("Bad Name"))
        #expect(head.contains("Subject: Hi  Bcc: evil@example.com    body\r\n"))
        let encoded = SMTPMessage.encodedWord("Kundin wartet: Müller")
        #expect(encoded == "=?utf-8?B?S3VuZGluIHdhcnRldDogTcO8bGxlcg==?=")
        let nonASCII = SMTPMessage(
            from: "d@x", to: ["a@x"], subject: "s", body: "Grüße\n", messageId: "m@x",
            date: Date(timeIntervalSince1970: 0))
        let rendered = String(decoding: nonASCII.rendered, as: UTF8.self)
        #expect(rendered.contains("Content-Transfer-Encoding: base64\r\n"))
        #expect(rendered.contains(Data("Grüße\n".utf8).base64EncodedString()))
    }

    /// A server that answers from a script and records what the client sent.
    final class ScriptedConnection: SMTPConnection {
        var replies: [SMTPReply]
        var sent: [String] = []
        var startedTLS = false

        init(_ replies: [(Int, [String])]) {
            self.replies = replies.map { SMTPReply(code: $0.0, lines: $0.1) }
        }

        func reply() async throws(SMTPError) -> SMTPReply {
            guard !replies.isEmpty else { throw SMTPError(stage: "reply", reason: "closed", isRetriable: true) }
            return replies.removeFirst()
        }

        func command(_ line: String, secret: Bool) async throws(SMTPError) -> SMTPReply {
            sent.append(line)
            return try await reply()
        }

        func send(_ bytes: [UInt8]) async throws(SMTPError) -> SMTPReply {
            sent.append("<message \(bytes.count) bytes>")
            return try await reply()
        }

        func startTLS() async throws(SMTPError) { startedTLS = true }
    }

    func request(startTLS: Bool, credentials: (String, String)?) -> SMTPDialog.Request {
        SMTPDialog.Request(
            heloName: "switchboard.test", startTLS: startTLS, credentials: credentials, from: "desk@example.com",
            recipients: ["a@example.com", "b@example.com"],
            message: SMTPMessage(
                from: "desk@example.com", to: ["a@example.com", "b@example.com"], subject: "s", body: "b",
                messageId: "m@x", date: Date(timeIntervalSince1970: 0)))
    }

    @Test("the dialog: STARTTLS then EHLO again, AUTH PLAIN, MAIL FROM, one RCPT TO each, DATA, QUIT")
    func dialog() async throws {
        let connection = ScriptedConnection([
            (220, ["hi"]), (250, ["mx", "STARTTLS", "AUTH LOGIN PLAIN"]), (220, ["go ahead"]),
            (250, ["mx", "AUTH PLAIN"]), (235, ["ok"]), (250, ["ok"]), (250, ["ok"]), (251, ["forwarded"]),
            (354, ["go"]), (250, ["queued"]), (221, ["bye"]),
        ])
        try await SMTPDialog.run(request(startTLS: true, credentials: ("user", "pa ss")), over: connection)
        #expect(connection.startedTLS)
        #expect(
            connection.sent == [
                "EHLO switchboard.test", "STARTTLS", "EHLO switchboard.test",
                "AUTH PLAIN " + Data("\0user\0pa ss".utf8).base64EncodedString(), "MAIL FROM:<desk@example.com>",
                "RCPT TO:<a@example.com>", "RCPT TO:<b@example.com>", "DATA",
                "<message \(request(startTLS: true, credentials: nil).message.rendered.count) bytes>", "QUIT",
            ])
    }

    @Test("the dialog refuses to go on in plain text when STARTTLS is wanted but not offered")
    func noSTARTTLS() async {
        let connection = ScriptedConnection([(220, ["hi"]), (250, ["mx", "AUTH PLAIN"])])
        await #expect(throws: SMTPError.self) {
            try await SMTPDialog.run(request(startTLS: true, credentials: ("user", "secret")), over: connection)
        }
        #expect(!connection.sent.contains { $0.hasPrefix("AUTH") || $0.hasPrefix("MAIL") })
        do {
            try await SMTPDialog.run(
                request(startTLS: true, credentials: nil), over: ScriptedConnection([(220, [""]), (250, ["mx"])]))
        } catch {
            #expect(!error.isRetriable)
            #expect(error.stage == "starttls")
        }
    }

    @Test("reply codes decide: 4xx may be retried, 5xx may not; the error never holds what was sent")
    func replyCodes() async {
        for (code, retriable) in [(451, true), (550, false)] {
            let connection = ScriptedConnection([
                (220, [""]), (250, ["mx", "AUTH PLAIN"]), (235, [""]), (code, ["nope"]),
            ])
            do {
                try await SMTPDialog.run(
                    request(startTLS: false, credentials: ("user", "hunter2-secret")), over: connection)
                Issue.record("expected a failure")
            } catch {
                #expect(error.isRetriable == retriable)
                #expect(error.code == code && error.stage == "mail from")
                #expect(!error.description.contains("hunter2"))
            }
        }
    }

    func pending(_ tenant: String, _ id: String) -> PendingNotification {
        let record = HandoverRecord(
            id: id, tenantId: tenant, sessionId: "s", customerId: "c", reason: .customerAskedForHuman,
            createdAt: Date(timeIntervalSince1970: 0))
        return PendingNotification(
            notification: HandoverNotification(
                event: .handoverStarted, handover: record, channel: nil, occurredAt: record.createdAt, deskURL: nil))
    }

    @Test("the queue: a few at once per tenant, a bounded wait, no duplicates; tenants do not share slots")
    func queue() {
        var state = NotificationQueueState(concurrency: 2, capacity: 1)
        let a1 = pending("a", "1"), a2 = pending("a", "2"), a3 = pending("a", "3"), a4 = pending("a", "4")
        #expect(state.admit(a1) == .start)
        #expect(state.admit(a1) == .duplicate)
        #expect(state.admit(a2) == .start)
        #expect(state.admit(a3) == .queued)
        #expect(!state.hasRoom(tenant: "a"))
        #expect(state.admit(a4) == .full)
        #expect(state.admit(pending("b", "5")) == .start, "another tenant has its own slots")
        #expect(state.finished(a1)?.notification.id == a3.notification.id)
        #expect(state.load(tenant: "a") == (2, 0))
        #expect(state.finished(a2) == nil)
        #expect(state.finished(a3) == nil)
        #expect(state.load(tenant: "a") == (0, 0))
        #expect(state.admit(a1) == .start, "finished: it may come again (the store decides if it is owed)")
    }

    @Test("the backoff: exponential ceilings with full jitter, capped; Retry-After honoured up to the cap")
    func backoff() {
        var settings = NotificationSettings(maxAttempts: 6, retryBaseDelay: .seconds(1), retryMaxDelay: .seconds(10))
        settings.timeout = .seconds(1)
        var policy = settings.retryPolicy
        policy.random = { 1 }
        #expect(
            (1...5).map { policy.delay(afterAttempt: $0, retryAfter: nil) } == [1, 2, 4, 8, 10].map { .seconds($0) })
        policy.random = { 0.25 }
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil) == .seconds(1))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(7)) == .seconds(7))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(11)) == nil, "longer than the cap: give up")
    }
}

@Suite("human-handover's notification settings from its environment")
struct NotificationEnvironmentTests {
    func settings(_ variables: [String: String]) async throws -> NotificationSettings {
        var environment = try await StageTestEnvironment.inMemory()
        environment.variables = variables
        return try NotificationSettings(environment: environment)
    }

    @Test("defaults, overrides, and a bad value named without its value")
    func parsing() async throws {
        let defaults = try await settings([:])
        #expect(defaults == NotificationSettings())
        #expect(defaults.maxAttempts == 5 && defaults.retryBaseDelay == .seconds(1))
        #expect(defaults.twilioAPIBase == "https://api.twilio.com")
        let given = try await settings([
            "SWITCHBOARD_NOTIFY_MAX_ATTEMPTS": "3", "SWITCHBOARD_NOTIFY_RETRY_BASE_MS": "250",
            "SWITCHBOARD_NOTIFY_RETRY_MAX_MS": "5000", "SWITCHBOARD_NOTIFY_TIMEOUT_MS": "2000",
            "SWITCHBOARD_NOTIFY_CONCURRENCY": "2", "SWITCHBOARD_NOTIFY_QUEUE": "10",
            "SWITCHBOARD_NOTIFY_REDRIVE_MS": "1000", "SWITCHBOARD_TWILIO_API_BASE": "http://127.0.0.1:9/",
        ])
        #expect(
            given
                == NotificationSettings(
                    maxAttempts: 3, retryBaseDelay: .milliseconds(250), retryMaxDelay: .seconds(5),
                    timeout: .seconds(2), concurrencyPerTenant: 2, queuePerTenant: 10, redriveInterval: .seconds(1),
                    twilioAPIBase: "http://127.0.0.1:9"))
        for (name, value) in [
            ("SWITCHBOARD_NOTIFY_MAX_ATTEMPTS", "0"), ("SWITCHBOARD_NOTIFY_CONCURRENCY", "many"),
            ("SWITCHBOARD_NOTIFY_TIMEOUT_MS", "5"),
        ] {
            do {
                _ = try await settings([name: value])
                Issue.record("\(name)=\(value) accepted")
            } catch {
                #expect("\(error)".contains(name))
            }
        }
    }
}
