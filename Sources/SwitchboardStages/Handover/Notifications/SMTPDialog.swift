import Foundation
import SwitchboardCore

/// The client's side of one SMTP transaction over an ``SMTPConnection``: greeting, EHLO, STARTTLS (when
/// asked for; refused servers are an error, never a silent fall-back to plain text), AUTH PLAIN (when
/// credentials are given), MAIL FROM, one RCPT TO per recipient, DATA, QUIT. Every reply code is checked.
struct SMTPDialog: Sendable {
    /// What the transaction needs.
    struct Request: Sendable {
        var heloName: String
        var startTLS: Bool
        var credentials: (username: String, password: String)?
        var from: String
        var recipients: [String]
        var message: SMTPMessage
    }

    static func run(_ request: Request, over connection: any SMTPConnection) async throws(SMTPError) {
        try expect(await connection.reply(), 220, "greeting")
        var capabilities = try await hello(request.heloName, over: connection)
        if request.startTLS {
            guard capabilities.contains(where: { $0.uppercased() == "STARTTLS" }) else {
                throw SMTPError(stage: "starttls", reason: "the server does not offer STARTTLS", isRetriable: false)
            }
            try expect(await connection.command("STARTTLS"), 220, "starttls")
            try await connection.startTLS()
            capabilities = try await hello(request.heloName, over: connection)
        }
        if let credentials = request.credentials {
            guard Self.offersAuthPlain(capabilities) else {
                throw SMTPError(stage: "auth", reason: "the server does not offer AUTH PLAIN", isRetriable: false)
            }
            let token = Data(("\0" + credentials.username + "\0" + credentials.password).utf8).base64EncodedString()
            // The command carries the password: it is sent, never logged or put into an error.
            try expect(await connection.command("AUTH PLAIN " + token, secret: true), 235, "auth")
        }
        try expect(await connection.command("MAIL FROM:<\(request.from)>"), 250, "mail from")
        for recipient in request.recipients {
            let reply = try await connection.command("RCPT TO:<\(recipient)>")
            guard reply.code == 250 || reply.code == 251 else { throw SMTPError(reply, stage: "rcpt to") }
        }
        try expect(await connection.command("DATA"), 354, "data")
        try expect(await connection.send(request.message.rendered), 250, "message")
        // The message is accepted: a failing QUIT changes nothing.
        _ = try? await connection.command("QUIT")
    }

    /// EHLO; the capabilities the server lists (the reply's lines after the first).
    private static func hello(_ name: String, over connection: any SMTPConnection) async throws(SMTPError) -> [String] {
        let reply = try await connection.command("EHLO \(name)")
        try expect(reply, 250, "ehlo")
        return Array(reply.lines.dropFirst())
    }

    static func offersAuthPlain(_ capabilities: [String]) -> Bool {
        capabilities.contains { line in
            let words = line.uppercased().split(separator: " ")
            return words.first == "AUTH" && words.dropFirst().contains("PLAIN")
        }
    }

    private static func expect(_ reply: SMTPReply, _ code: Int, _ stage: String) throws(SMTPError) {
        guard reply.code == code else { throw SMTPError(reply, stage: stage) }
    }
}

/// A connection to an SMTP server, line by line: ``SMTPClient``'s over swift-nio, a scripted one in tests.
protocol SMTPConnection {
    /// The next reply.
    func reply() async throws(SMTPError) -> SMTPReply
    /// Sends `line` and CRLF, then reads the reply. `secret`: the line carries credentials.
    func command(_ line: String, secret: Bool) async throws(SMTPError) -> SMTPReply
    /// Sends raw bytes (the message after DATA), then reads the reply.
    func send(_ bytes: [UInt8]) async throws(SMTPError) -> SMTPReply
    /// Starts TLS on the connection, verifying the server's certificate.
    func startTLS() async throws(SMTPError)
}

extension SMTPConnection {
    func command(_ line: String) async throws(SMTPError) -> SMTPReply { try await command(line, secret: false) }
}

/// An SMTP transaction failed: the step, the server's code (when it answered) and whether a later try may
/// succeed (4xx replies and broken connections; not 5xx). The server's text is kept short and never holds
/// what the client sent.
struct SMTPError: Error, Sendable, CustomStringConvertible {
    var stage: String
    var code: Int?
    var reason: String
    var isRetriable: Bool

    init(stage: String, code: Int? = nil, reason: String, isRetriable: Bool) {
        self.stage = stage
        self.code = code
        self.reason = reason
        self.isRetriable = isRetriable
    }

    init(_ reply: SMTPReply, stage: String) {
        // A refusal often quotes the recipient ("550 <agent@example.org>: unknown"): the reason goes into logs
        // and dead letters, so addresses are scrubbed out.
        let text = SMTPMessage.headerValue(reply.lines.first ?? "")
        self.init(
            stage: stage, code: reply.code, reason: LogPrivacy.scrubbed(text, limit: 120),
            isRetriable: reply.isTransient)
    }

    var description: String {
        "SMTP \(stage) failed" + (code.map { ": \($0)" } ?? "") + (reason.isEmpty ? "" : " \(reason)")
    }
}
