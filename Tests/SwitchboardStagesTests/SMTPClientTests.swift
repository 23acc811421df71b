import Foundation
import NIOSSL
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStages

/// The SMTP client against a real SMTP server that runs inside the test.
@Suite("the SMTP client against an in-test SMTP server")
struct SMTPClientTests {
    func message(body: String) -> SMTPMessage {
        SMTPMessage(
            from: "desk@example.com", to: ["leads@example.com"], subject: "Kunde wartet: Müller", body: body,
            messageId: "id-1@switchboard.invalid", date: Date(timeIntervalSince1970: 1_767_225_600))
    }

    @Test("plain text: the message arrives whole, a leading dot survives, no AUTH without credentials")
    func plain() async throws {
        try await SMTPSink.with { sink in
            let body = "first\n.hidden line\n..two dots\nlast\n"
            try await SMTPClient(timeout: .seconds(120)).send(
                message(body: body), host: "127.0.0.1", port: sink.port, startTLS: false, credentials: nil)
            let mail = try #require(sink.mails.first)
            #expect(mail.body == "first\r\n.hidden line\r\n..two dots\r\nlast\r\n")
            #expect(mail.header("Subject") == "=?utf-8?B?S3VuZGUgd2FydGV0OiBNw7xsbGVy?=")
            #expect(mail.username == nil && !mail.overTLS)
            #expect(!sink.commands.contains { $0.hasPrefix("AUTH") })
            #expect(sink.commands.last == "QUIT")
        }
    }

    @Test("STARTTLS: the connection is upgraded and verified before AUTH sends the password")
    func startTLS() async throws {
        let (context, certificate) = try TestCertificate.serverContext()
        try await SMTPSink.with(tls: context) { sink in
            var client = SMTPClient(timeout: .seconds(120))
            client.trustRoots = .certificates([certificate])
            try await client.send(
                message(body: "hello\n"), host: "127.0.0.1", port: sink.port, startTLS: true,
                credentials: ("desk-bot", "s3cret pass"))
            let mail = try #require(sink.mails.first)
            #expect(mail.overTLS)
            #expect(mail.username == "desk-bot" && mail.password == "s3cret pass")
            #expect(
                Array(sink.commands.prefix(3)) == ["EHLO switchboard.invalid", "STARTTLS", "EHLO switchboard.invalid"])
        }
    }

    @Test("STARTTLS with a certificate the client does not trust: nothing more is sent, the password least of all")
    func untrusted() async throws {
        let (context, _) = try TestCertificate.serverContext()
        try await SMTPSink.with(tls: context) { sink in
            await #expect(throws: SMTPError.self) {
                try await SMTPClient(timeout: .seconds(120)).send(
                    message(body: "hello\n"), host: "127.0.0.1", port: sink.port, startTLS: true,
                    credentials: ("desk-bot", "s3cret pass"))
            }
            #expect(sink.commands == ["EHLO switchboard.invalid", "STARTTLS"])
            #expect(sink.mails.isEmpty)
        }
    }
}
